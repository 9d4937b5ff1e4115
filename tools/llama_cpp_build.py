"""What the golden makers (tools/arch-goldens, tools/tokenizer-goldens) share about the pinned llama.cpp build: the
command that compiles a dumper against its static CPU libraries, and file digests."""
import hashlib
import os

# The static libraries of a `-DBUILD_SHARED_LIBS=OFF` CPU build, relative to its build directory, in link order.
STATIC_LIBS = ["src/libllama.a", "ggml/src/libggml.a", "ggml/src/libggml-cpu.a", "ggml/src/libggml-base.a"]


def dumper_command(source, tree, build, exe, optimization="-O2"):
    """g++ command line compiling `source` against llama.cpp's headers in `tree` and the static libraries in `build`
    into `exe`. The dumpers use internal headers (src/) and vendored ones (vendor/) besides the public API."""
    includes = [f"-I{os.path.join(tree, part)}" for part in ["include", "ggml/include", "src", "vendor"]]
    libs = [os.path.join(build, lib) for lib in STATIC_LIBS]
    return ["g++", "-std=c++17", optimization, *includes, source, "-o", exe, *libs, "-fopenmp", "-lpthread", "-ldl"]


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
