#!/usr/bin/python3
"""Protocol test of the convnb Java kernel through the real jupyter_client (Debian's).

Installs the kernelspec with scripts/install-kernel.sh into a temporary prefix (--no-copy, so it
runs the freshly built kernel-ext/target/convnb-kernel), starts the kernel with a KernelManager
and checks, over ZeroMQ: kernel_info, execute results, stdout, compile and runtime errors,
interrupts (cooperative and forced) followed by working cells, completion, is_complete, magics
(good, bad arguments, unknown) and rich display_data through the kernel's renderer.

Usage: /usr/bin/python3 test_kernel_protocol.py --kernel-dir DIR --repo-root DIR
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


def install_kernelspec(repo_root, kernel_dir, prefix):
    script = os.path.join(repo_root, "scripts", "install-kernel.sh")
    proc = subprocess.run([script, "--prefix", prefix, "--no-copy", "--kernel-dir", kernel_dir, "--name", "convnb-test"],
                          capture_output=True, text=True)
    check("installer exits 0", proc.returncode == 0, proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.exit("cannot test the kernel without its kernelspec")
    spec_file = os.path.join(prefix, "share", "jupyter", "kernels", "convnb-test", "kernel.json")
    with open(spec_file) as f:
        spec = json.load(f)
    argv = spec["argv"]
    check("kernelspec argv starts the convnb kernel",
          argv[0] == "java" and argv[-2:] == ["io.convnb.kernel.ConvnbKernel", "{connection_file}"]
          and argv[argv.index("-cp") + 1] == os.path.join(kernel_dir, "lib", "*"), argv)
    for flag in ("-Xmx4g", "-XX:+UseG1GC", "-Djava.awt.headless=true"):
        check("kernelspec has " + flag, flag in argv, argv)
    check("kernelspec caps JavaCPP off-heap memory",
          any(a.startswith("-Dorg.bytedeco.javacpp.maxbytes=") for a in argv)
          and any(a.startswith("-Dorg.bytedeco.javacpp.maxphysicalbytes=") for a in argv), argv)
    archive = os.path.join(kernel_dir, "convnb.jsa")
    check("kernelspec loads the class-data-sharing archive made at install",
          "-XX:SharedArchiveFile=" + archive in argv and os.path.getsize(archive) > 1_000_000, argv)
    check("kernelspec loads the Vector API for the direct convolution", "--add-modules=jdk.incubator.vector" in argv, argv)
    check("kernelspec lets OpenMP threads sleep between ops", spec.get("env", {}).get("OMP_WAIT_POLICY") == "PASSIVE",
          spec)
    check("kernelspec interrupts by message", spec.get("interrupt_mode") == "message", spec)
    check("kernelspec display name", spec.get("display_name") == "Java (convnb)", spec)
    check_ijava_kernelspec(script, kernel_dir, prefix)
    return os.path.dirname(os.path.dirname(spec_file))


def check_ijava_kernelspec(script, kernel_dir, prefix):
    """The IJava kernelspec (IJava itself cannot be downloaded here, so only its spec is checked)."""
    fake_jar = os.path.join(prefix, "ijava-1.3.0.jar")
    open(fake_jar, "wb").close()
    proc = subprocess.run([script, "--prefix", prefix, "--no-copy", "--no-cds", "--kernel-dir", kernel_dir,
                           "--name", "convnb-test2", "--ijava", fake_jar], capture_output=True, text=True)
    check("installer with --ijava exits 0", proc.returncode == 0, proc.stdout + proc.stderr)
    with open(os.path.join(prefix, "share", "jupyter", "kernels", "convnb-test2-ijava", "kernel.json")) as f:
        spec = json.load(f)
    env = spec.get("env", {})
    jars = env.get("IJAVA_CLASSPATH", "").split(":")
    names = [os.path.basename(j) for j in jars]
    check("IJava kernelspec runs IJava's jar", spec["argv"] == ["java", "-jar", fake_jar, "{connection_file}"], spec)
    check("IJava kernelspec display name", spec.get("display_name") == "Java (IJava 1.3.0 + convnb)", spec)
    check("IJAVA_CLASSPATH has the extension and engine jars, not basekernel",
          "convnb-kernel-ext-0.1.0.jar" in names and "convnb-engine-0.1.0.jar" in names
          and any(n.startswith("nd4j-api") for n in names)
          and not any(n.startswith(("jupyter-jvm-basekernel", "jeromq")) for n in names)
          and all(os.path.isfile(j) for j in jars), names)
    startup = env.get("IJAVA_STARTUP_SCRIPTS_PATH", "")
    check("IJAVA_STARTUP_SCRIPTS_PATH names the installed startup script",
          os.path.isfile(startup) and "ConvnbExtension.install(io.github.spencerpark.ijava.IJava.getKernelInstance())"
          in open(startup).read(), startup)
    check("JAVA_TOOL_OPTIONS carries the memory flags",
          "-Xmx4g" in env.get("JAVA_TOOL_OPTIONS", "") and "maxphysicalbytes" in env.get("JAVA_TOOL_OPTIONS", ""), env)
    check("JAVA_TOOL_OPTIONS loads the Vector API", "--add-modules=jdk.incubator.vector" in env.get("JAVA_TOOL_OPTIONS", ""),
          env)
    check("IJava kernelspec lets OpenMP threads sleep between ops", env.get("OMP_WAIT_POLICY") == "PASSIVE", env)
    check("IJava kernelspec interrupts by message", spec.get("interrupt_mode") == "message", spec)


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
    args = parser.parse_args()
    kernel_dir = os.path.abspath(args.kernel_dir)

    with tempfile.TemporaryDirectory() as prefix:
        kernels = install_kernelspec(os.path.abspath(args.repo_root), kernel_dir, prefix)
        # The kernel inherits this environment: %maven then reads the test repository's settings.
        os.environ["CONVNB_MAVEN_SETTINGS"] = make_maven_repo(prefix)
        km = KernelManager(kernel_name="convnb-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        t0 = time.time()
        km.start_kernel()
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            started = time.time() - t0
            run_checks(Session(client), client, km, started)
        finally:
            client.stop_channels()
            km.shutdown_kernel(now=False)

    print("%d checks failed: %s" % (len(FAILURES), ", ".join(FAILURES)) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


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
    # ... and code that ignores it is stopped by force after the grace period.
    t = time.time()
    reply, out = s.execute("long n = 0;\nwhile (true) { n++; }",
                           on_sent=lambda: (time.sleep(1.5), km.interrupt_kernel()))
    took = time.time() - t - 1.5
    check("forced stop of a cell that ignores interrupts",
          reply["status"] == "error" and reply["ename"] == "EvaluationInterruptedException"
          and "by force" in reply["evalue"] and took < 10, (reply, took))
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


if __name__ == "__main__":
    sys.exit(main())
