# Sourced by the bench/clang scripts (needs $root, the source tree): the pybind11 units of the
# fixture corpus, real binding code against the real headers, and the flags they compile with.
python_include=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
flags=(-std=c++17 "-I$python_include")
mapfile -t units < <(cd "$root" && grep -l 'pybind11/pybind11.h' tests/fixtures/CCY2*/*.cpp tests/clang/fixtures/*.cpp | grep -v syntax_error | sort)
(( ${#units[@]} > 0 )) || { echo "bench: no pybind11 units found" >&2; exit 2; }

now() { date +%s.%N; }
