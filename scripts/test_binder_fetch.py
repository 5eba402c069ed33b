#!/usr/bin/python3
"""Tests of binder/fetch.sh, the download and checksum functions of binder/postBuild.

They run the real shell functions with bash on local files (file:// URLs) and on a closed
loopback port, so they need no network. Run: /usr/bin/python3 -m unittest scripts/test_binder_fetch.py
"""

import hashlib
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FETCH = REPO / "binder" / "fetch.sh"
CHECKSUMS = REPO / "binder" / "checksums"
UNREACHABLE = "http://127.0.0.1:9/ijava.zip"   # the discard port: nothing listens there


class BinderFetchTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.payload = self.dir / "data.bin"
        self.payload.write_bytes(b"convnb test payload\n")
        self.sha256 = hashlib.sha256(self.payload.read_bytes()).hexdigest()
        self.md5 = hashlib.md5(self.payload.read_bytes()).hexdigest()

    def tearDown(self):
        self.tmp.cleanup()

    def bash(self, script, checksums_text=None, env_extra=""):
        checksums = CHECKSUMS
        if checksums_text is not None:
            checksums = self.dir / "checksums"
            checksums.write_text(checksums_text)
        proc = subprocess.run(
            ["bash", "-c", f"set -euo pipefail; {env_extra} CHECKSUMS='{checksums}'; "
                           f"source '{FETCH}'; {script}"],
            capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stdout + proc.stderr

    def test_verify_accepts_matching_sha256_and_md5(self):
        code, out = self.bash(f"verify '{self.payload}' data.bin",
                              f"# comment\n\nsha256 {self.sha256} data.bin\nmd5 {self.md5} data.bin\n")
        self.assertEqual(0, code, out)
        self.assertIn("verified data.bin (2 checksums)", out)

    def test_verify_rejects_a_mismatch_naming_both_hashes(self):
        wrong = "0" * 64
        code, out = self.bash(f"verify '{self.payload}' data.bin", f"sha256 {wrong} data.bin\n")
        self.assertEqual(1, code, out)
        self.assertIn(f"data.bin: sha256 is {self.sha256}, expected {wrong}", out)

    def test_verify_requires_a_sha256(self):
        code, out = self.bash(f"verify '{self.payload}' data.bin", f"md5 {self.md5} data.bin\n")
        self.assertEqual(1, code, out)
        self.assertIn("data.bin has no pinned sha256 in binder/checksums", out)

    def test_verify_rejects_unknown_algorithms(self):
        code, out = self.bash(f"verify '{self.payload}' data.bin", "crc32 abcd data.bin\n")
        self.assertEqual(1, code, out)
        self.assertIn("unknown algorithm 'crc32' for data.bin", out)

    def test_ijava_archive_bytes_are_not_pinned_only_its_files(self):
        zip_path = self.dir / "ijava-1.3.0.zip"
        zip_path.write_bytes(b"not really a zip")
        code, out = self.bash(f"verify '{zip_path}' ijava-1.3.0.zip")
        self.assertEqual(1, code, out)
        self.assertIn("ijava-1.3.0.zip has no pinned sha256", out)

    def test_real_checksums_pin_all_four_fashion_mnist_files_twice(self):
        lines = [l.split() for l in CHECKSUMS.read_text().splitlines()
                 if l.strip() and not l.lstrip().startswith("#")]
        files = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
        for algo, length in (("sha256", 64), ("md5", 32)):
            pinned = {name: h for a, h, name in lines if a == algo and not name.startswith("ijava-")}
            self.assertEqual(files, set(pinned), algo)
            for h in pinned.values():
                self.assertRegex(h, f"^[0-9a-f]{{{length}}}$")

    def test_fetch_verified_installs_only_a_verified_download(self):
        dest = self.dir / "out" / "data.bin"
        code, out = self.bash(f"fetch_verified 'file://{self.payload}' '{dest}'",
                              f"sha256 {self.sha256} data.bin\n")
        self.assertEqual(0, code, out)
        self.assertEqual(self.payload.read_bytes(), dest.read_bytes())
        self.assertFalse(dest.with_name("data.bin.part").exists())

    def test_fetch_verified_leaves_no_file_on_mismatch(self):
        dest = self.dir / "out" / "data.bin"
        code, out = self.bash(f"fetch_verified 'file://{self.payload}' '{dest}'",
                              f"sha256 {'1' * 64} data.bin\n")
        self.assertEqual(1, code, out)
        self.assertFalse(dest.exists())

    def test_unreachable_host_is_a_notice_in_the_replay(self):
        code, out = self.bash(f"if need_internet {UNREACHABLE} 'IJava download'; then echo RAN; "
                              f"else echo SKIPPED; fi", env_extra="CONVNB_REPLAY=1;")
        self.assertEqual(0, code, out)
        self.assertIn(f"*** NOTICE: IJava download skipped: {UNREACHABLE} is unreachable", out)
        self.assertRegex(out, re.compile(r"^SKIPPED$", re.M))

    def test_unreachable_host_fails_the_binder_build(self):
        code, out = self.bash(f"need_internet {UNREACHABLE} 'IJava download'; echo RAN")
        self.assertEqual(1, code, out)
        self.assertIn(f"postBuild: ERROR: IJava download: cannot reach {UNREACHABLE}", out)
        self.assertNotIn("RAN", out)


class GetIJavaTest(unittest.TestCase):
    """scripts/get-ijava.sh: IJava 1.3.0 installed only when its files match binder/checksums."""
    SCRIPT = REPO / "scripts" / "get-ijava.sh"
    JAR_SHA256 = "6aaa4b8cb4c2527ff9d6655e8b79c200ed9599c4515657ca19b33db9d6831f45"

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.home = self.dir / "ijava-home"

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, zip_path=None, *args):
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.dir), "CONVNB_IJAVA_HOME": str(self.home),
               "CONVNB_IJAVA_URL": UNREACHABLE}
        if zip_path:
            env["CONVNB_IJAVA_ZIP"] = str(zip_path)
        proc = subprocess.run(["bash", str(self.SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr

    def fake_release(self, jar_bytes):
        import zipfile
        path = self.dir / "ijava-1.3.0.zip"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("java/ijava-1.3.0.jar", jar_bytes)
            z.writestr("install.py", "print('IJava installer')\n")
        return path

    def test_real_checksums_pin_the_ijava_jar(self):
        self.assertIn(f"sha256 {self.JAR_SHA256} ijava-1.3.0/java/ijava-1.3.0.jar", CHECKSUMS.read_text())

    def test_a_jar_that_does_not_match_the_pin_installs_nothing(self):
        code, out, err = self.run_script(self.fake_release(b"not IJava"))
        self.assertEqual(1, code, err)
        self.assertIn("get-ijava.sh: ERROR: ijava-1.3.0/java/ijava-1.3.0.jar: sha256 is "
                      + hashlib.sha256(b"not IJava").hexdigest() + f", expected {self.JAR_SHA256}", err)
        self.assertEqual("", out)
        self.assertFalse(self.home.exists())
        self.assertFalse(Path(str(self.home) + ".new").exists())

    def test_an_archive_without_the_jar_is_refused(self):
        import zipfile
        path = self.dir / "other.zip"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("README", "something else")
        code, out, err = self.run_script(path)
        self.assertEqual(1, code, err)
        self.assertIn("the IJava archive has no java/ijava-1.3.0.jar; it is not the IJava 1.3.0 release", err)
        self.assertFalse(self.home.exists())

    def test_no_archive_and_no_network_is_one_line_saying_how_to_add_it(self):
        code, out, err = self.run_script()
        self.assertEqual(3, code, err)
        self.assertEqual("", out)
        self.assertEqual([f"IJava 1.3.0 skipped: no CONVNB_IJAVA_ZIP and {UNREACHABLE} is unreachable; to add the "
                          "convnb-ijava kernel, download that archive and run "
                          "CONVNB_IJAVA_ZIP=/path/to/ijava-1.3.0.zip ./convnb setup"], err.strip().splitlines())
        code, out, err = self.run_script(None, "--require")
        self.assertEqual(1, code, err)
        self.assertIn("get-ijava.sh: ERROR: IJava 1.3.0 skipped", err)

    def test_the_real_release_installs_and_is_reused(self):
        real = os.environ.get("CONVNB_IJAVA_ZIP")
        if not real or not os.path.isfile(real):
            self.skipTest("CONVNB_IJAVA_ZIP (IJava's release archive) is not set; ./convnb test and CI set it")
        code, out, err = self.run_script(real)
        self.assertEqual(0, code, err)
        jar = Path(out.strip())
        self.assertEqual(self.home / "java" / "ijava-1.3.0.jar", jar)
        self.assertEqual(self.JAR_SHA256, hashlib.sha256(jar.read_bytes()).hexdigest())
        # a second call, now without the archive, finds the verified install (setup is idempotent)
        code, out, err = self.run_script()
        self.assertEqual((0, str(jar)), (code, out.strip()), err)


if __name__ == "__main__":
    unittest.main()
