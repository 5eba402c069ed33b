#!/usr/bin/python3
"""Protocol test of the convnb Java kernel through the real jupyter_client (Debian's).

Installs the kernelspec with scripts/install-kernel.sh into a temporary prefix (--no-copy, so it
runs the freshly built kernel-ext/target/convnb-kernel), starts the kernel with a KernelManager
and checks, over ZeroMQ: kernel_info, execute results, stdout, compile and runtime errors,
interrupts (cooperative and forced) followed by working cells, completion, is_complete, magics
(good, bad arguments, unknown) and rich display_data through the kernel's renderer.

With --host ijava it runs the real IJava 1.3.0 (from --ijava-zip, unpacked and verified by
scripts/get-ijava.sh) with the convnb extension loaded by its startup script, and checks the same
magics and errors there. Both hosts are started with MEM_LIMIT=2 GiB, so convnb-launch.sh sizes them
as on Binder; a cell that asks for more heap than that gets an OutOfMemoryError, a cell that asks for a
tensor larger than the caps gets the tensor guard's TensorMemoryLimitError, and the kernel lives.
--java runs the kernel on another JDK (the test suite uses the newest one installed).

Usage: /usr/bin/python3 test_kernel_protocol.py --kernel-dir DIR --repo-root DIR
                                               [--host convnb|ijava] [--ijava-zip ZIP] [--java JAVA]
Exit status 0 when every check passes; otherwise the failed checks are listed.
"""
import argparse
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import time
import zipfile

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FAILURES = []


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else "\n     " + str(detail)))
    if not condition:
        FAILURES.append(name)


def plain(lines):
    return "\n".join(ANSI.sub("", line) for line in lines)


class Session:
    def __init__(self, client):
        self.client = client

    def execute(self, code, timeout=60, on_sent=None):
        """Runs code; returns (reply content, list of iopub messages for it)."""
        msg_id = self.client.execute(code)
        if on_sent:
            on_sent()
        deadline = time.time() + timeout
        outputs = []
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise TimeoutError("no idle status for %r within %ss" % (code, timeout))
            try:
                msg = self.client.get_iopub_msg(timeout=remaining)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            if msg["msg_type"] not in ("status", "execute_input"):
                outputs.append(msg)
        reply = self.shell_reply(msg_id, max(1, deadline - time.time()))
        return reply["content"], outputs

    def shell_reply(self, msg_id, timeout):
        deadline = time.time() + timeout
        while True:
            msg = self.client.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def request(self, send, timeout=30):
        msg_id = send()
        return self.shell_reply(msg_id, timeout)["content"]


def of_type(outputs, msg_type):
    return [m["content"] for m in outputs if m["msg_type"] == msg_type]


def text_out(outputs, name="stdout"):
    return "".join(c["text"] for c in of_type(outputs, "stream") if c["name"] == name)


def error_tb(outputs):
    """The traceback of the cell's iopub error message: what a notebook shows."""
    errors = of_type(outputs, "error")
    return plain(errors[0]["traceback"]) if len(errors) == 1 else "<%d error messages>" % len(errors)


def result_text(outputs):
    results = of_type(outputs, "execute_result")
    return results[0]["data"].get("text/plain") if results else None


MEM_LIMIT = 2 << 30
# What convnb-launch.sh gives a kernel under a 2 GiB limit (the formula is in scripts/kernel-launch.sh):
# K = 2048 - 384 = 1664 MiB; heap 30% = 499 MiB; overhead max(K/7, 384) = 384; off-heap 1664-499-384 = 781.
SIZED_2G = {"-Xmx": "499m", "maxbytes": "781m", "maxphysicalbytes": "1664m"}


def installer(repo_root, kernel_dir, prefix, name, java, *extra):
    cmd = [os.path.join(repo_root, "scripts", "install-kernel.sh"), "--prefix", prefix, "--no-copy",
           "--kernel-dir", kernel_dir, "--name", name] + (["--java", java] if java else []) + list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    check("installer %s exits 0" % " ".join(extra), proc.returncode == 0, proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.exit("cannot test the kernel without its kernelspec")


def load_spec(prefix, name):
    with open(os.path.join(prefix, "share", "jupyter", "kernels", name, "kernel.json")) as f:
        return json.load(f)


def launched_command(argv):
    """The java command line convnb-launch.sh would run under a 2 GiB MEM_LIMIT (its --print mode)."""
    cmd = [a for a in argv if a != "{connection_file}"]
    cmd = cmd[:2] + ["--print"] + cmd[2:] + ["conn.json"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, MEM_LIMIT=str(MEM_LIMIT)))
    lines = out.stdout.splitlines()
    return (lines[0] if lines else out.stderr), lines[1:]


def check_memory_sizing(label, java_cmd, sized):
    check(label + ": memory sized from MEM_LIMIT at start", sized.startswith("CONVNB_MEMORY=limit 2048 MiB (MEM_LIMIT)"),
          sized)
    for flag in ("-Xmx" + SIZED_2G["-Xmx"], "-Dorg.bytedeco.javacpp.maxbytes=" + SIZED_2G["maxbytes"],
                 "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + SIZED_2G["maxphysicalbytes"],
                 "-XX:+UseG1GC", "-Djava.awt.headless=true", "--add-modules=jdk.incubator.vector"):
        check(label + ": launches java with " + flag, flag in java_cmd, java_cmd)


def install_kernelspec(repo_root, kernel_dir, prefix, java):
    installer(repo_root, kernel_dir, prefix, "convnb-test", java)
    spec = load_spec(prefix, "convnb-test")
    argv = spec["argv"]
    launcher = os.path.join(kernel_dir, "convnb-launch.sh")
    archive = os.path.join(kernel_dir, "convnb.jsa")
    check("kernelspec argv starts the convnb kernel through convnb-launch.sh",
          argv[:2] == ["/bin/bash", launcher] and argv[-3:] == ["--convnb", os.path.join(kernel_dir, "lib"), "{connection_file}"]
          and (not java or argv[argv.index("--java") + 1] == java), argv)
    check("kernelspec loads the class-data-sharing archive made at install",
          argv[argv.index("--cds") + 1] == archive and os.path.getsize(archive) > 1_000_000, argv)
    sized, cmd = launched_command(argv)
    check_memory_sizing("convnb", cmd, sized)
    check("launcher runs ConvnbKernel with the archive",
          cmd[0] == (java or "java") and "-XX:SharedArchiveFile=" + archive in cmd
          and cmd[-2:] == ["io.convnb.kernel.ConvnbKernel", "conn.json"], cmd)
    check("kernelspec lets OpenMP threads sleep between ops", spec.get("env", {}).get("OMP_WAIT_POLICY") == "PASSIVE",
          spec)
    check("kernelspec interrupts by message", spec.get("interrupt_mode") == "message", spec)
    check("kernelspec display name", spec.get("display_name") == "Java (convnb)", spec)
    return os.path.join(prefix, "share", "jupyter", "kernels")


def install_ijava_kernelspec(repo_root, kernel_dir, prefix, java, zip_path):
    """Unpacks and verifies the real IJava release, then installs convnb-test-ijava for it."""
    env = dict(os.environ, CONVNB_IJAVA_ZIP=zip_path, CONVNB_IJAVA_HOME=os.path.join(prefix, "ijava"))
    proc = subprocess.run(["bash", os.path.join(repo_root, "scripts", "get-ijava.sh"), "--require"],
                          capture_output=True, text=True, env=env)
    jar = proc.stdout.strip()
    check("get-ijava.sh verifies and unpacks the IJava release", proc.returncode == 0 and os.path.isfile(jar),
          proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.exit("cannot test IJava without its jar")
    installer(repo_root, kernel_dir, prefix, "convnb-test", java, "--no-cds", "--ijava", jar)
    spec = load_spec(prefix, "convnb-test-ijava")
    env = spec.get("env", {})
    names = [os.path.basename(j) for j in env.get("IJAVA_CLASSPATH", "").split(":")]
    check("IJava kernelspec runs IJava's jar through convnb-launch.sh",
          spec["argv"][:2] == ["/bin/bash", os.path.join(kernel_dir, "convnb-launch.sh")]
          and spec["argv"][-3:] == ["--ijava", jar, "{connection_file}"], spec)
    sized, cmd = launched_command(spec["argv"])
    check_memory_sizing("ijava", cmd, sized)
    check("launcher runs java -jar ijava", cmd[-3:] == ["-jar", jar, "conn.json"], cmd)
    check("IJava kernelspec display name", spec.get("display_name") == "Java (IJava 1.3.0 + convnb)", spec)
    check("IJAVA_CLASSPATH has the extension and engine jars, not basekernel",
          "convnb-kernel-ext-0.1.0.jar" in names and "convnb-engine-0.1.0.jar" in names
          and any(n.startswith("nd4j-api") for n in names)
          and not any(n.startswith(("jupyter-jvm-basekernel", "jeromq")) for n in names), names)
    startup = env.get("IJAVA_STARTUP_SCRIPTS_PATH", "")
    check("IJAVA_STARTUP_SCRIPTS_PATH names the installed startup script",
          os.path.isfile(startup) and "ConvnbExtension.install(io.github.spencerpark.ijava.IJava.getKernelInstance())"
          in open(startup).read(), startup)
    check("IJava kernelspec lets OpenMP threads sleep between ops", env.get("OMP_WAIT_POLICY") == "PASSIVE", env)
    check("IJava kernelspec interrupts by message", spec.get("interrupt_mode") == "message", spec)
    return os.path.join(prefix, "share", "jupyter", "kernels")


# Malformed magic calls and the text of the error each must show, in both hosts. IJava wraps a
# magic's exception ("Exception occurred while running line magic 'convmath': <message>"); the
# message itself must be there, whole.
MALFORMED = [
    ("%convmath input=28 kernel=3 stride=0x1",
     "%convmath: stride=0x1 is not valid: strides must be >= 1 on every axis. Accepted: stride=2 or stride=2x1."),
    ("%convmath input=28 kernel=3 strides=2", "%convmath: Unknown argument 'strides'. Did you mean 'stride'?"),
    ("%convmath kernel=3", "%convmath: input= is required. Accepted: input=28 or input=28x32."),
    ("%convmath input=abc kernel=3", "%convmath: input=abc is not valid: 'abc' is not a whole number."),
    ("%convmath input=28 kernel=3 padding=diagonal", "%convmath: padding=diagonal is not valid"),
    ("%convmath input=4 kernel=7", "for input height 4 and kernel 7; use padding=\"same\" or a kernel no larger than 4."),
    ("%convmath input=28 kernel=3 dilation=0", "%convmath: dilation=0 is not valid: dilations must be >= 1"),
    ("%convmath input=28 kernel=3 groups=3 channels=4 filters=6",
     "Use groups that divide both 6 filters and 4 input channels: 1 or 2."),
    ("%convmath input=28 kernel=3 output_padding=1",
     "output_padding belongs to transposed convolutions only"),
    ("%%convmath input=32\nconv 3\nfrobnicate 2", "%%convmath line 2 (frobnicate 2): unknown layer 'frobnicate'."),
    ("%%convmath kernel=3\nconv 3", "%%convmath: Unknown argument 'kernel'. Accepted: input."),
    ("%%convmath input=32\nconv x", "%%convmath line 1 (conv x): kernel=x is not valid"),
    ("%%convmath input=8\nconv 5\nconv 5", "%%convmath line 2 (conv 5): output height"),
    ("%%conv kernel=identity\n1 2 3\n4 5",
     "%%conv body line 2: this row has 2 numbers but the matrix starting on line 1 has 3 per row."),
    ("%%conv kernel=nosuch\n1 2\n3 4", "%%conv: kernel=nosuch is not valid: there is no kernel of that name."),
    ("%%conv stride=0\n1 2 3\n4 5 6\n7 8 9\n\n1 0\n0 1", "%%conv: stride=0 is not valid"),
    ("%%conv\n1 2 3\n4 5 6\n7 8 9", "%%conv: the body must hold the input matrix, a blank line and the kernel matrix"),
    ("%dataset cifar", "%dataset: unknown data set 'cifar'. Accepted: fashion-mnist, mnist, or the path of your own data"),
    ("%dataset fashion-mnist split=dev", "%dataset: split=dev is not valid"),
    ("%dataset mnist n=0", "%dataset: n=0 is not valid: n must be >= 1."),
    ("%environment all", "%environment takes no arguments but --help, received 'all'."),
    ("%display rows=0", "%display: Display option rows=0 is out of range"),
    ("%display precision=99", "%display: Display option precision=99 is out of range"),
    ("%display cmap=rainbow", "%display: Unknown colour map 'rainbow'."),
    ("%convnb_version extra", "%convnb_version takes no arguments but --help, received 'extra'."),
    ("%no_such_magic 1 2", "Undefined line magic 'no_such_magic'"),
]
# Where the hosts differ (IJava 1.3.0's own magic parser): a %% cell with no body line is not a cell
# magic there but Java source, and IJava splits an unterminated quote without complaint.
HOST_SPECIFIC = {
    "convnb": [("%%conv stride=1 padding=valid", "%%conv: the body is empty."),
               ('%convmath "input=28 kernel=3', "Unterminated double quote at column 10")],
    "ijava": [("%%conv stride=1 padding=valid", "illegal start of expression"),
              ('%convmath "input=28 kernel=3', "%convmath: input=28 kernel=3 is not valid")],
}


def check_magic_errors(s, host):
    for code, expected in MALFORMED + HOST_SPECIFIC[host]:
        reply, out = s.execute(code, timeout=120)
        tb = error_tb(out)
        check("%s: readable error for %r" % (host, code.split("\n")[0]),
              reply["status"] == "error" and expected in tb and len(of_type(out, "error")) == 1, (reply, tb))
        reply, out = s.execute("6 * 7")
        check("%s: kernel answers after %r" % (host, code.split("\n")[0]), result_text(out) == "42", (reply, out))


def check_memory(s, host):
    reply, out = s.execute("%environment", timeout=120)
    text = "".join(d["data"].get("text/plain", "") for d in of_type(out, "display_data"))
    check(host + ": %environment shows the memory sizing",
          "limit 2048 MiB (MEM_LIMIT); kernel 1664 MiB: heap 499 MiB" in text
          and re.search(r"JavaCPP maxbytes\s+781 MiB", text) and re.search(r"JavaCPP maxphysicalbytes\s+1664 MiB", text),
          text)
    check(host + ": %environment shows the tensor guard on with the launcher's caps",
          re.search(r"tensor guard\s+on: refuses, before libnd4j allocates it, a tensor over 781 MiB or one of 16 MiB or "
                    r"more that would take the process past 1,664 MiB \(1.63 GiB\) resident \(JavaCPP maxbytes and maxphysicalbytes, "
                    r"which convnb-launch.sh sized at kernel start from the 2,048 MiB limit of MEM_LIMIT\)", text) is not None, text)
    reply, out = s.execute("INDArray keptBeforeHugeTensor = Nd4j.ones(3, 3);\nkeptBeforeHugeTensor.sumNumber().intValue()",
                           timeout=120)
    check(host + ": a variable before the huge tensor", result_text(out) == "9", (reply, out))
    # 6.4 GB of floats: more than the whole 2 GiB limit. Without the guard libnd4j would allocate and zero it,
    # and in a real 2 GiB container the OS would kill the kernel (the Binder replay runs that case in a cgroup).
    reply, out = s.execute("INDArray huge = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 40000, 40000);",
                           timeout=120)
    tb = error_tb(out)
    check(host + ": a tensor larger than the kernel's cap is refused before allocation with a readable error",
          reply["status"] == "error"
          and "io.convnb.memory.TensorMemoryLimitError: a FLOAT tensor of 1,600,000,000 elements needs 6,104 MiB "
              "(5.96 GiB), more than the 781 MiB one tensor may take in this process (JavaCPP maxbytes and "
              "maxphysicalbytes, which convnb-launch.sh sized at kernel start from the 2,048 MiB limit of MEM_LIMIT)" in tb
          and "Fixes: a smaller batch (batchSize of fit, evaluate and predict) or a smaller tensor; or restart the kernel "
              "with a larger MEM_LIMIT (now 2,048 MiB" in tb, (reply, tb))
    reply, out = s.execute("keptBeforeHugeTensor.sumNumber().intValue() + \" \" + Nd4j.zeros(1000, 1000).length()",
                           timeout=120)
    check(host + ": after the refused tensor the kernel answers, keeps the earlier variable and allocates",
          (result_text(out) or "").strip('"') == "9 1000000", (reply, out))
    reply, out = s.execute("long[] tooBig = new long[400_000_000];\ntooBig.length", timeout=120)
    check(host + ": a cell asking for more heap than the limit gets OutOfMemoryError",
          reply["status"] == "error" and "java.lang.OutOfMemoryError: Java heap space" in error_tb(out), (reply, out))
    reply, out = s.execute("INDArray afterOom = Nd4j.ones(3, 3);\nafterOom.sumNumber().intValue()", timeout=120)
    check(host + ": kernel and ND4J work after the OutOfMemoryError", result_text(out) == "9", (reply, out))


def start(kernels, name):
    km = KernelManager(kernel_name=name, kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
    t0 = time.time()
    km.start_kernel(env=dict(os.environ, MEM_LIMIT=str(MEM_LIMIT)))
    client = km.client()
    client.start_channels()
    return km, client, t0


def make_maven_repo(root):
    """A Maven repository in a folder (POMs, jars compiled here) and a settings.xml mirroring Central to it."""
    repo = os.path.join(root, "repo")

    def publish(group, artifact, version, deps, source, classpath=""):
        d = os.path.join(repo, *group.split("."), artifact, version)
        os.makedirs(d)
        dep_xml = "".join("<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>"
                          % tuple(x.split(":")) for x in deps)
        with open(os.path.join(d, "%s-%s.pom" % (artifact, version)), "w") as f:
            f.write("<project><modelVersion>4.0.0</modelVersion><groupId>%s</groupId><artifactId>%s</artifactId>"
                    "<version>%s</version><dependencies>%s</dependencies></project>" % (group, artifact, version, dep_xml))
        work = tempfile.mkdtemp(dir=root)
        src = os.path.join(work, re.search(r"public class (\w+)", source).group(1) + ".java")
        with open(src, "w") as f:
            f.write(source)
        classes = os.path.join(work, "classes")
        subprocess.run(["javac", "-d", classes] + (["-cp", classpath] if classpath else []) + [src], check=True)
        jar = os.path.join(d, "%s-%s.jar" % (artifact, version))
        with zipfile.ZipFile(jar, "w") as z:
            for base, _, files in os.walk(classes):
                for name in files:
                    full = os.path.join(base, name)
                    z.write(full, os.path.relpath(full, classes))
            z.writestr("META-INF/maven/%s/%s/pom.properties" % (group, artifact),
                       "groupId=%s\nartifactId=%s\nversion=%s\n" % (group, artifact, version))
        return jar

    words = publish("demo", "words", "2.0", [], "package demo.words; public class Words { "
                    "public static String hello() { return \"hello from words 2.0\"; } }")
    publish("demo", "greeter", "1.0", ["demo:words:2.0"], "package demo.greeter; public class Greeter { "
            "public String greet() { return demo.words.Words.hello() + \" via greeter\"; } }", words)
    publish("com.google.code.gson", "gson", "2.11.0", [], "package demo.notgson; public class NotGson { }")
    settings = os.path.join(root, "settings.xml")
    with open(settings, "w") as f:
        f.write("<settings><localRepository>%s</localRepository><mirrors><mirror><id>test-repo</id><url>file://%s/</url>"
                "<mirrorOf>*</mirrorOf></mirror></mirrors></settings>" % (os.path.join(root, "local"), repo))
    return settings


def check_maven(s):
    """%maven against the file repository of make_maven_repo, through the resolver in lib/maven-resolver."""
    reply, out = s.execute('String seen;\ntry { Class.forName("org.eclipse.aether.RepositorySystem"); seen = "visible"; }'
                           ' catch (ClassNotFoundException e) { seen = "hidden"; }\nseen')
    check("Maven Resolver is not on the cells' class path", result_text(out) == "hidden", (reply, out))
    t = time.time()
    reply, out = s.execute("%maven demo:greeter:1.0\nnew demo.greeter.Greeter().greet()", timeout=120)
    print("TIMING first %%maven (loads the resolver, 2 jars from a file repository): %.2f s" % (time.time() - t))
    displays = of_type(out, "display_data")
    check("%maven resolves an artifact with its dependency and the same cell uses it",
          reply["status"] == "ok" and result_text(out) == "hello from words 2.0 via greeter"
          and len(displays) == 1 and displays[0]["data"]["text/plain"].startswith("%maven: added 2 jars to the class path.")
          and "<td>demo:words:2.0</td><td>added</td>" in displays[0]["data"].get("text/html", ""), (reply, out))
    reply, out = s.execute("demo.words.Words.hello()")
    check("a later cell uses the dependency %maven added", result_text(out) == "hello from words 2.0", (reply, out))
    reply, out = s.execute("%maven com.google.code.gson:gson:2.11.0")
    tb = error_tb(out)
    check("%maven refuses a second version of a library the kernel has loaded",
          reply["status"] == "error" and "%maven: com.google.code.gson:gson:2.11.0 clashes with com.google.code.gson:gson:2.10.1,"
          " which this kernel has already loaded" in tb and "\n    at " not in tb, tb)
    reply, out = s.execute("%maven demo:nope:1.0")
    tb = error_tb(out)
    check("%maven names an unknown artifact and the repository tried",
          reply["status"] == "error" and "cannot resolve demo:nope:1.0: demo:nope:1.0 was not found in test-repo (file:" in tb, tb)
    reply, out = s.execute("%maven demo:greeter")
    check("%maven shows the expected form of a malformed coordinate",
          reply["status"] == "error" and "'demo:greeter' is not a Maven coordinate" in error_tb(out)
          and "Expected group:artifact:version" in error_tb(out), (reply, out))
    reply, out = s.execute("%maven --help")
    displays = of_type(out, "display_data")
    check("%maven --help", reply["status"] == "ok" and len(displays) == 1
          and "group:artifact:classifier:version" in displays[0]["data"]["text/plain"], (reply, out))
    reply, out = s.execute("new demo.greeter.Greeter().greet().length()")
    check("kernel works after %maven errors", result_text(out) == "32", (reply, out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernel-dir", required=True)
    parser.add_argument("--repo-root", required=True)
    parser.add_argument("--host", choices=("convnb", "ijava"), default="convnb")
    parser.add_argument("--ijava-zip", help="IJava's release archive ijava-1.3.0.zip (needed for --host ijava)")
    parser.add_argument("--java", help="java executable the kernel runs on (default: java on PATH)")
    args = parser.parse_args()
    kernel_dir = os.path.abspath(args.kernel_dir)
    repo_root = os.path.abspath(args.repo_root)
    java = os.path.abspath(args.java) if args.java else None
    if java:
        print("JDK: " + subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0])

    with tempfile.TemporaryDirectory() as prefix:
        if args.host == "ijava":
            if not args.ijava_zip:
                sys.exit("--host ijava needs --ijava-zip PATH/ijava-1.3.0.zip")
            kernels = install_ijava_kernelspec(repo_root, kernel_dir, prefix, java, os.path.abspath(args.ijava_zip))
            name = "convnb-test-ijava"
        else:
            kernels = install_kernelspec(repo_root, kernel_dir, prefix, java)
            name = "convnb-test"
        # The kernel inherits this environment: %maven then reads the test repository's settings.
        os.environ["CONVNB_MAVEN_SETTINGS"] = make_maven_repo(prefix)
        km, client, t0 = start(kernels, name)
        try:
            client.wait_for_ready(timeout=60)
            started = time.time() - t0
            if args.host == "ijava":
                run_ijava_checks(Session(client), started)
            else:
                run_checks(Session(client), client, km, started)
        finally:
            client.stop_channels()
            km.shutdown_kernel(now=False)

    print("%d checks failed: %s" % (len(FAILURES), ", ".join(FAILURES)) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


def run_ijava_checks(s, started):
    """The real IJava 1.3.0 with convnb loaded by its startup script."""
    t = time.time()
    reply, out = s.execute("1 + 2", timeout=120)
    print("TIMING IJava kernel start: %.2f s, first cell (startup script included): %.2f s" % (started, time.time() - t))
    check("ijava: first cell runs after the startup script", reply["status"] == "ok" and result_text(out) == "3",
          (reply, out))
    reply, out = s.execute("%convnb_version")
    displays = of_type(out, "display_data")
    check("ijava: %convnb_version displays the version",
          reply["status"] == "ok" and len(displays) == 1
          and re.fullmatch(r"convnb \d+\.\d+\.\d+.*", displays[0]["data"]["text/plain"]) is not None, (reply, out))
    reply, out = s.execute("Nd4j.create(new float[]{1, 2, 3, 4}, 2, 2)", timeout=120)
    results = of_type(out, "execute_result")
    check("ijava: an INDArray renders through convnb's renderer (text/html table)",
          reply["status"] == "ok" and len(results) == 1 and "<table" in results[0]["data"].get("text/html", ""),
          (reply, out))
    reply, out = s.execute("io.convnb.ops.Conv2DOps.directKernels()")
    check("ijava: the JVM runs the direct vectorised convolution", (result_text(out) or "").strip('"').startswith("on ("),
          (reply, out))
    check_magic_errors(s, "ijava")
    check_memory(s, "ijava")


def run_checks(s, client, km, started):
    t = time.time()
    reply, out = s.execute("1 + 2")
    first_cell = time.time() - t
    print("TIMING kernel start (start_kernel -> kernel_info reply): %.2f s" % started)
    print("TIMING first cell (1 + 2): %.2f s" % first_cell)
    check("kernel starts within 20 s", started < 20, started)
    check("first cell within 20 s", first_cell < 20, first_cell)
    check("value of the last expression", reply["status"] == "ok" and result_text(out) == "3", (reply, out))
    t = time.time()
    s.execute("2 * 21")
    print("TIMING second cell (2 * 21): %.2f s" % (time.time() - t))

    info = s.request(client.kernel_info)
    li = info["language_info"]
    check("kernel_info language_info",
          li["name"] == "java" and li["file_extension"] == ".jshell" and li["mimetype"] == "text/x-java-source"
          and li.get("codemirror_mode") == "java" and re.match(r"\d+", li["version"]), li)

    reply, out = s.execute('System.out.println("hello from java");\nint answer = 6 * 7;\nanswer')
    check("stdout stream", text_out(out) == "hello from java\n", out)
    check("value after statements", result_text(out) == "42", out)

    reply, out = s.execute('int ok = 1;\nint bad = "text";\nint after = 2;')
    tb = error_tb(out)
    check("compile error reply", reply["status"] == "error" and reply["ename"] == "CompilationException", reply)
    check("compile error shows line, caret and message",
          'Compile error in line 2:' in tb and '    int bad = "text";' in tb
          and '              ^^^^^^' in tb and "incompatible types" in tb, tb)
    check("compile error published on iopub", [c["ename"] for c in of_type(out, "error")] == ["CompilationException"], out)
    reply, out = s.execute("after")
    check("snippets after a compile error do not run", reply["status"] == "error", reply)

    reply, out = s.execute("int[] small = new int[2];\nsmall[5] = 1;")
    tb = error_tb(out)
    check("runtime exception reply", reply["status"] == "error" and reply["ename"] == "EvalException", reply)
    check("runtime exception names the real class and message",
          "java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 2" in tb
          and "Index 5 out of bounds" in reply["evalue"], tb)
    check("runtime trace shows the cell line, no kernel internals",
          re.search(r"In\[\d+\] line 2", tb) is not None and "jdk.jshell" not in tb
          and "io.convnb.kernel" not in tb and "reflect" not in tb, tb)

    reply, out = s.execute("int twice(int v) {\n  if (v > 1) throw new IllegalStateException(\"too big: \" + v);\n"
                           "  return 2 * v;\n}\ntwice(1) + twice(5)")
    tb = error_tb(out)
    check("exception inside a user method",
          "java.lang.IllegalStateException: too big: 5" in tb and re.search(r"at twice \(In\[\d+\] line 2\)", tb), tb)

    # Interrupt: code that checks its interrupt flag stops at once ...
    t = time.time()
    reply, out = s.execute("long spins = 0;\nwhile (!Thread.currentThread().isInterrupted()) { spins++; }",
                           on_sent=lambda: (time.sleep(1.5), km.interrupt_kernel()))
    took = time.time() - t - 1.5
    check("cooperative interrupt stops the cell",
          reply["status"] == "error" and reply["ename"] == "EvaluationInterruptedException"
          and "by force" not in reply["evalue"] and took < 5,
          (reply, took))
    reply, out = s.execute("spins > 0")
    check("state of an interrupted cell's earlier snippets is kept", result_text(out) == "true", (reply, out))
    # ... and code that ignores it is stopped by force after the grace period, where the JVM still
    # has Thread.stop (Java 19 and older). Java 20+ removed it: such a cell then runs to its end.
    java_major = int(re.match(r"\d+", li["version"]).group(0))
    if java_major < 20:
        t = time.time()
        reply, out = s.execute("long n = 0;\nwhile (true) { n++; }",
                               on_sent=lambda: (time.sleep(1.5), km.interrupt_kernel()))
        took = time.time() - t - 1.5
        check("forced stop of a cell that ignores interrupts",
              reply["status"] == "error" and reply["ename"] == "EvaluationInterruptedException"
              and "by force" in reply["evalue"] and took < 10, (reply, took))
    else:
        t = time.time()
        reply, out = s.execute("long n = 0, end = System.nanoTime() + 8_000_000_000L;\n"
                               "while (System.nanoTime() < end) { n++; }\nn > 0",
                               on_sent=lambda: (time.sleep(1.5), km.interrupt_kernel()), timeout=90)
        took = time.time() - t
        check("Java %d (no Thread.stop): a cell that ignores interrupts runs to its end, the kernel stays up"
              % java_major, took >= 7.5 and reply["status"] in ("ok", "error"), (reply, took))
    reply, out = s.execute("Thread.sleep(100);\n\"alive\"")
    check("kernel works after interrupts", result_text(out) == "alive", (reply, out))

    reply, out = s.execute("%convnb_version")
    displays = of_type(out, "display_data")
    check("%convnb_version displays the version",
          reply["status"] == "ok" and len(displays) == 1
          and re.fullmatch(r"convnb \d+\.\d+\.\d+.*", displays[0]["data"]["text/plain"]) is not None
          and not of_type(out, "execute_result"), (reply, out))

    reply, out = s.execute("%convmath input=28 kernel=3 stride=0x1")
    tb = error_tb(out)
    check("magic with bad arguments gives an error with its full message",
          reply["status"] == "error" and "MagicArgumentException" in tb
          and "%convmath: stride=0x1 is not valid: strides must be >= 1 on every axis. Accepted: stride=2 or stride=2x1." in tb
          and "\n    at " not in tb, tb)
    reply, out = s.execute("%convnb_version")
    check("good cell after a bad magic", reply["status"] == "ok" and len(of_type(out, "display_data")) == 1, out)

    reply, out = s.execute("%no_such_magic 1 2")
    check("unknown magic is an error", reply["status"] == "error"
          and "Undefined line magic 'no_such_magic'" in error_tb(out), (reply, out))
    with tempfile.TemporaryDirectory() as classes:
        src = os.path.join(classes, "Greeter.java")
        with open(src, "w") as f:
            f.write("package demo; public class Greeter { public String greet() { return \"hi from a %jars dir\"; } }")
        subprocess.run(["javac", "-d", classes, src], check=True)
        reply, out = s.execute("%jars " + classes + "\nnew demo.Greeter().greet()")
        check("%jars adds a class folder for the compiler and the class loader",
              reply["status"] == "ok" and result_text(out) == "hi from a %jars dir", (reply, out))
    reply, out = s.execute("%jars /nonexistent/*.jar")
    check("%jars with a path that matches nothing", reply["status"] == "error" and "matches no file" in error_tb(out),
          (reply, out))

    check_maven(s)

    reply, out = s.execute("%%no_such_cell_magic x=1\nbody line")
    check("%% cells dispatch to cell magics", reply["status"] == "error"
          and "Undefined cell magic 'no_such_cell_magic'" in error_tb(out), (reply, out))
    reply, out = s.execute('%nope "unterminated')
    check("unterminated quote in magic arguments",
          reply["status"] == "error" and "Unterminated double quote" in error_tb(out), (reply, out))

    reply, out = s.execute(
        "import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;\n"
        "record Point(int x, int y) {}\n"
        "io.convnb.kernel.ConvnbKernel.getKernelInstance().getRenderer().createRegistration(Point.class)\n"
        "    .preferring(MIMEType.TEXT_HTML)\n"
        "    .register((p, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> \"<b>\" + p.x() + \",\" + p.y() + \"</b>\"));\n"
        "display(new Point(3, 4));\n"
        "new Point(5, 6)")
    displays = of_type(out, "display_data")
    results = of_type(out, "execute_result")
    check("display() sends display_data with text/html from getRenderer()",
          reply["status"] == "ok" and len(displays) == 1 and displays[0]["data"].get("text/html") == "<b>3,4</b>",
          (reply, out))
    check("last expression rendered through getRenderer()",
          len(results) == 1 and results[0]["data"].get("text/html") == "<b>5,6</b>", out)

    code = "var values = new ArrayList<String>();\nStrin"
    reply = s.request(lambda: client.complete(code, len(code)))
    check("completion of Strin", "String" in reply["matches"] and reply["cursor_start"] == len(code) - 5
          and reply["cursor_end"] == len(code), reply)
    code = "Nd4j.cr"
    reply = s.request(lambda: client.complete(code, len(code)))
    check("completion of Nd4j.cr (default import)", any(m.startswith("create") for m in reply["matches"])
          and reply["cursor_start"] == 5, reply)
    code = "%convnb_version\nMath.ab"
    reply = s.request(lambda: client.complete(code, len(code)))
    check("completion below a magic line", any(m.startswith("abs") for m in reply["matches"]), reply)

    reply = s.request(lambda: client.is_complete("for (int i = 0; i < 3; i++) {"))
    check("is_complete: open block is incomplete", reply["status"] == "incomplete", reply)
    reply = s.request(lambda: client.is_complete("int x = 1;\nx + 1"))
    check("is_complete: complete code", reply["status"] == "complete", reply)

    reply, out = s.execute("INDArray z = Nd4j.zeros(2, 3);\nz.rank() + \" \" + z.length()", timeout=120)
    check("ND4J through the default imports", result_text(out) == "2 6", (reply, out))
    reply, out = s.execute("io.convnb.ops.Conv2DOps.directKernels()")
    check("the kernel's JVM runs the direct vectorised convolution", (result_text(out) or "").strip('"').startswith("on ("),
          (reply, out))
    check_magic_errors(s, "convnb")
    check_memory(s, "convnb")


if __name__ == "__main__":
    sys.exit(main())
