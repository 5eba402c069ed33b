#!/usr/bin/python3
"""Tests of scripts/kernel-launch.sh's memory sizing on fake cgroup trees.

The launcher reads the cgroup mount, /proc/self/cgroup and /proc/meminfo from CONVNB_CGROUP_FS,
CONVNB_PROC_CGROUP and CONVNB_MEMINFO; these tests point them at trees built in a temporary folder
(cgroup v2 with memory.max, "max" at some levels, nested and namespaced paths; cgroup v1 with its
memory controller in a hybrid layout) and check, through --print, the limit it finds and the heap,
maxbytes and maxphysicalbytes it gives java. Run: /usr/bin/python3 -m unittest scripts/test_kernel_launch.py
"""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "scripts" / "kernel-launch.sh"
GIB = 1 << 30
V1_UNLIMITED = "9223372036854771712"   # what cgroup v1 writes for "no limit"


def sizing(limit_mib):
    """The launcher's formula, written out again: (heap, maxbytes, maxphysicalbytes) in MiB."""
    above = max(limit_mib - 2048, 0)
    kernel = max(limit_mib - 384 - above * 2 // 5, 512)
    heap = max(kernel * 3 // 10, 256)
    overhead = min(max(kernel // 7, 384), 2048)
    return heap, max(kernel - heap - overhead, 128), kernel


class KernelLaunchSizingTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.fs = self.root / "sys-fs-cgroup"
        self.fs.mkdir()
        self.meminfo = self.root / "meminfo"
        self.set_physical(64 * GIB)

    def tearDown(self):
        self.tmp.cleanup()

    def set_physical(self, nbytes):
        self.meminfo.write_text("MemTotal:       %d kB\nMemFree:        1000 kB\n" % (nbytes // 1024))

    def write(self, rel, text):
        path = self.fs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
        return path

    def launch(self, proc_cgroup, mem_limit=None, mode=("--convnb", "/opt/convnb/lib")):
        proc = self.root / "proc-self-cgroup"
        proc.write_text(proc_cgroup)
        env = {k: v for k, v in os.environ.items() if k != "MEM_LIMIT"}
        env.update(CONVNB_CGROUP_FS=str(self.fs), CONVNB_PROC_CGROUP=str(proc), CONVNB_MEMINFO=str(self.meminfo))
        if mem_limit is not None:
            env["MEM_LIMIT"] = str(mem_limit)
        out = subprocess.run(["bash", str(LAUNCHER), "--java", "/usr/bin/java", "--print", *mode, "conn.json"],
                             capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)
        lines = out.stdout.splitlines()
        return lines[0], lines[1:]

    def assert_sized(self, result, limit_mib, source):
        memory, cmd = result
        heap, maxbytes, kernel = sizing(limit_mib)
        self.assertEqual("CONVNB_MEMORY=limit %d MiB (%s); kernel %d MiB: heap %d MiB, JavaCPP maxbytes %d MiB, "
                         "maxphysicalbytes %d MiB" % (limit_mib, source, kernel, heap, maxbytes, kernel), memory)
        for flag in ("-Xmx%dm" % heap, "-Dorg.bytedeco.javacpp.maxbytes=%dm" % maxbytes,
                     "-Dorg.bytedeco.javacpp.maxphysicalbytes=%dm" % kernel,
                     "-Dconvnb.memory.limit=%d" % (limit_mib << 20), "-Dconvnb.memory.source=" + source):
            self.assertIn(flag, cmd)
        return cmd

    # --- cgroup v2 ------------------------------------------------------------------------------

    def v2(self):
        self.write("cgroup.controllers", "cpuset cpu io memory pids")

    def test_v2_limit_of_the_process_cgroup_under_a_parent_without_one(self):
        self.v2()
        self.write("a/memory.max", "max")
        limit = self.write("a/b/memory.max", str(2 * GIB))
        cmd = self.assert_sized(self.launch("0::/a/b\n"), 2048, "cgroup v2 %s" % limit)
        # the figures the README and the protocol test state for a 2 GiB Binder pod
        self.assertEqual(sizing(2048), (499, 781, 1664))
        self.assertEqual(["/usr/bin/java", "-cp", "/opt/convnb/lib/*", "io.convnb.kernel.ConvnbKernel", "conn.json"],
                         [cmd[0]] + cmd[-4:])

    def test_v2_a_smaller_limit_higher_up_wins(self):
        self.v2()
        parent = self.write("a/memory.max", str(3 * GIB))
        self.write("a/b/memory.max", "max")
        self.write("a/b/c/memory.max", str(5 * GIB))
        self.assert_sized(self.launch("0::/a/b/c\n"), 3072, "cgroup v2 %s" % parent)

    def test_v2_namespaced_container_finds_its_limit_at_the_mount_root(self):
        # In a container with its own cgroup namespace the process sees "0::/" and its limit at the root.
        self.v2()
        root = self.write("memory.max", str(GIB + 512 * (1 << 20)))
        self.assert_sized(self.launch("0::/\n"), 1536, "cgroup v2 %s" % root)

    def test_v2_max_everywhere_falls_back_to_physical_memory(self):
        self.v2()
        self.write("memory.max", "max")
        self.write("user.slice/memory.max", "max")
        self.set_physical(24 * GIB)
        cmd = self.assert_sized(self.launch("0::/user.slice\n"), 24576, "physical memory")
        # README: 24 GiB -> about 4.4 GiB heap, 8.4 GiB of tensors, 14.8 GiB in all
        self.assertEqual(sizing(24576), (4554, 8579, 15181))
        self.assertIn("-Xmx4554m", cmd)

    def test_mem_limit_below_the_cgroup_limit_wins_and_the_ijava_host_gets_the_same_flags(self):
        self.v2()
        self.write("a/memory.max", str(4 * GIB))
        cmd = self.assert_sized(self.launch("0::/a\n", mem_limit=2 * GIB, mode=("--ijava", "/opt/ijava.jar")),
                                2048, "MEM_LIMIT")
        self.assertEqual(cmd[-3:], ["-jar", "/opt/ijava.jar", "conn.json"])

    def test_a_v2_mount_without_cgroup_controllers_is_not_read_as_v2(self):
        self.write("a/memory.max", str(GIB))   # no cgroup.controllers: not a v2 mount
        self.set_physical(8 * GIB)
        self.assert_sized(self.launch("0::/a\n"), 8192, "physical memory")

    # --- cgroup v1 ------------------------------------------------------------------------------

    def test_v1_hybrid_layout_reads_the_memory_controllers_path(self):
        self.write("memory/memory.limit_in_bytes", V1_UNLIMITED)
        self.write("memory/x/memory.limit_in_bytes", V1_UNLIMITED)
        limit = self.write("memory/x/y/memory.limit_in_bytes", str(3 * GIB))
        self.write("unified/cgroup.procs", "")
        proc = "9:name=systemd:/\n4:memory:/x/y\n3:cpuset:/\n0::/\n"
        self.assert_sized(self.launch(proc), 3072, "cgroup v1 %s" % limit)

    def test_v1_unlimited_at_every_level_falls_back_to_physical_memory(self):
        self.write("memory/memory.limit_in_bytes", V1_UNLIMITED)
        self.write("memory/x/memory.limit_in_bytes", V1_UNLIMITED)
        self.set_physical(16 * GIB)
        self.assert_sized(self.launch("4:memory:/x\n"), 16384, "physical memory")

    def test_v1_path_hidden_by_the_namespace_uses_the_mount_root(self):
        root = self.write("memory/memory.limit_in_bytes", str(2 * GIB))
        self.assert_sized(self.launch("4:memory:/process_api/not-visible-here\n"), 2048, "cgroup v1 %s" % root)

    def test_physical_memory_smaller_than_the_cgroup_limit_wins(self):
        self.write("memory/memory.limit_in_bytes", str(32 * GIB))
        self.set_physical(2 * GIB)
        self.assert_sized(self.launch("4:memory:/\n"), 2048, "physical memory")

    def test_no_limit_anywhere_is_an_error_naming_what_was_read(self):
        self.meminfo.write_text("")
        proc = self.root / "proc-self-cgroup"
        proc.write_text("0::/\n")
        env = {k: v for k, v in os.environ.items() if k != "MEM_LIMIT"}
        env.update(CONVNB_CGROUP_FS=str(self.fs), CONVNB_PROC_CGROUP=str(proc), CONVNB_MEMINFO=str(self.meminfo))
        out = subprocess.run(["bash", str(LAUNCHER), "--print", "--convnb", "/opt/lib", "conn.json"],
                             capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(2, out.returncode)
        self.assertIn("cannot tell how much memory this machine has (no cgroup limit, no MEM_LIMIT, no /proc/meminfo)",
                      out.stderr)


if __name__ == "__main__":
    unittest.main()
