// Benchmark (run on demand, not in CI; bench/run-python-bench builds and runs it): throughput of
// capcycle's Python side on a corpus — by default every .py file under /usr/lib/python3.11 —
// against a bare tree-sitter parse of the same bytes, measured in the same run.
//
//   parse        ts_parser_parse_string + ts_tree_delete over the already-read bytes, one parser
//   analysis     capcycle::analyzePythonSource over the same bytes, one file after the other
//   files -j1    capcycle::analyzePythonFiles (reads the files too), jobs = 1, wall clock
//   files -j2    the same with jobs = 2
//   cross-file   capcycle::python::resolveAcrossFiles over every file's facts (issue 11's
//                cross-file stage, reported on its own line; a copy of the facts included)
//
// Also printed: the process's peak RSS.
// Each measurement runs --rounds times (default 3, the order rotating between rounds so that no
// side always runs first) and the median counts. Floors: analysis <= 1.5x parse (issue 11), in
// CPU time measured file by file (each file parsed bare, then analysed, on this thread's CPU
// clock, so that the machine's slow stretches cost both sides alike), and files -j2 at least
// 1.6x faster than files -j1. Exit status: 0 within the floors, 1 a floor is missed, 2 usage
// or setup problem. Every file counts in every measurement, including files the analysis skips
// (not UTF-8, syntax errors): both sides see the same bytes.
// --profile-analysis N runs only the analysis, N times, for a profiler.
#include "PythonFrontend.h"
#include "project/ProjectModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <tree_sitter/api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <vector>

extern "C" const TSLanguage *tree_sitter_python(void);

namespace {

constexpr double kAnalysisOverParseFloor = 1.5; // analysis may take at most 1.5x the bare parse (issue 11)
constexpr double kJ1OverJ2Floor = 1.6;          // -j2 must be at least 1.6x faster than -j1

void collect(const std::string &path, std::vector<std::string> &files) {
  if (!llvm::sys::fs::is_directory(path)) {
    files.push_back(path);
    return;
  }
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (it->type() == llvm::sys::fs::file_type::directory_file) {
      if (llvm::sys::path::filename(it->path()) == "__pycache__")
        it.no_push();
    } else if (llvm::sys::path::extension(it->path()) == ".py") {
      files.push_back(it->path());
    }
  }
}

struct Times {
  double wall = 0; // steady clock
  double cpu = 0;  // CPU time of the whole process (all threads)
};

double processCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

Times measure(const std::function<void()> &body) {
  double cpuStart = processCpuSeconds();
  auto start = std::chrono::steady_clock::now();
  body();
  Times t;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  t.cpu = processCpuSeconds() - cpuStart;
  return t;
}

// The 1-minute load average, or -1 when unknown: a loaded machine makes wall clocks meaningless.
double loadAverage() {
  double load = -1;
  if (FILE *f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1)
      load = -1;
    std::fclose(f);
  }
  return load;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Keeps the optimizer from dropping work whose result nobody reads.
volatile size_t sink = 0;

} // namespace

int main(int argc, char **argv) {
  unsigned rounds = 3;
  unsigned profileRounds = 0; // --profile-analysis N: only the analysis, N times, for perf
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--profile-analysis") == 0 && i + 1 < argc) {
      profileRounds = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::printf("usage: %s [--rounds N | --profile-analysis N] [PATH...]   (default PATH: "
                  "/usr/lib/python3.11)\n",
                  argv[0]);
      return 0;
    } else {
      roots.push_back(argv[i]);
    }
  }
  if (roots.empty())
    roots.push_back("/usr/lib/python3.11");

  std::vector<std::string> files;
  for (const std::string &root : roots) {
    if (!llvm::sys::fs::exists(root)) {
      std::fprintf(stderr, "python-bench: %s does not exist\n", root.c_str());
      return 2;
    }
    collect(root, files);
  }
  llvm::sort(files);
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> sources;
  size_t lines = 0, bytes = 0;
  for (const std::string &file : files) {
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      std::fprintf(stderr, "python-bench: cannot read %s: %s\n", file.c_str(),
                   buffer.getError().message().c_str());
      return 2;
    }
    llvm::StringRef text = (*buffer)->getBuffer();
    lines += text.count('\n') + (!text.empty() && !text.ends_with("\n"));
    bytes += text.size();
    sources.push_back(std::move(*buffer));
  }
  if (files.empty()) {
    std::fprintf(stderr, "python-bench: no .py files found\n");
    return 2;
  }

  TSParser *parser = ts_parser_new();
  if (!ts_parser_set_language(parser, tree_sitter_python())) {
    std::fprintf(stderr, "python-bench: the tree-sitter runtime rejects the grammar's ABI\n");
    return 2;
  }
  auto parseAll = [&] {
    for (const auto &source : sources) {
      TSTree *tree = ts_parser_parse_string(parser, nullptr, source->getBufferStart(),
                                            source->getBufferSize());
      sink = sink + (tree != nullptr);
      ts_tree_delete(tree);
    }
  };
  auto analyseAll = [&] {
    capcycle::PythonScanOptions options;
    options.jobs = 1;
    for (size_t i = 0; i < files.size(); ++i) {
      capcycle::FactSet facts =
          capcycle::analyzePythonSource(files[i], sources[i]->getBuffer(), options);
      sink = sink + facts.callbackRegistrations.size() + facts.notifications.size();
    }
  };
  auto analyseFiles = [&](unsigned jobs) {
    capcycle::PythonScanOptions options;
    options.jobs = jobs;
    capcycle::FactSet facts = capcycle::analyzePythonFiles(files, options);
    sink = sink + facts.callbackRegistrations.size() + facts.notifications.size();
  };

  if (profileRounds > 0) { // nothing else runs, so a profile shows the analysis alone
    auto times = measure([&] {
      for (unsigned round = 0; round < profileRounds; ++round)
        analyseAll();
    });
    std::printf("python-bench: analysis %u times: %.3f s cpu\n", profileRounds, times.cpu);
    return 0;
  }

  // Parse and analysis of each file one right after the other, on this thread's CPU clock:
  // a slow stretch of the machine (another job, frequency scaling) then costs both sides alike,
  // where the whole-corpus measurements above it can land on one side only.
  struct Paired {
    double parse = 0, analysis = 0;
  };
  auto threadCpuSeconds = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
  };
  auto pairedAll = [&] {
    Paired paired;
    capcycle::PythonScanOptions options;
    options.jobs = 1;
    for (size_t i = 0; i < files.size(); ++i) {
      double start = threadCpuSeconds();
      TSTree *tree = ts_parser_parse_string(parser, nullptr, sources[i]->getBufferStart(),
                                            sources[i]->getBufferSize());
      sink = sink + (tree != nullptr);
      ts_tree_delete(tree);
      double parsed = threadCpuSeconds();
      capcycle::FactSet facts =
          capcycle::analyzePythonSource(files[i], sources[i]->getBuffer(), options);
      sink = sink + facts.callbackRegistrations.size();
      facts = {};
      paired.parse += parsed - start;
      paired.analysis += threadCpuSeconds() - parsed;
    }
    return paired;
  };
  std::vector<Paired> pairedRounds;

  // The cross-file stage alone, on the per-file facts of every file (copied each round: the
  // stage rewrites them in place).
  capcycle::FactSet perFile;
  for (size_t i = 0; i < files.size(); ++i)
    perFile.append(capcycle::analyzePythonSource(files[i], sources[i]->getBuffer(), {}));
  auto crossFile = [&] {
    capcycle::FactSet facts = perFile;
    capcycle::python::resolveAcrossFiles(facts);
    sink = sink + facts.callbackRegistrations.size();
  };

  struct Measurement {
    const char *name;
    std::function<void()> body;
    std::vector<Times> times;
  };
  std::vector<Measurement> measurements = {
      {"parse (tree-sitter only)", parseAll, {}},
      {"analysis (analyzePythonSource)", analyseAll, {}},
      {"files -j1 (analyzePythonFiles)", [&] { analyseFiles(1); }, {}},
      {"files -j2 (analyzePythonFiles)", [&] { analyseFiles(2); }, {}},
      {"cross-file stage (+ facts copy)", crossFile, {}},
  };
  std::printf("python-bench: %zu files, %zu lines, %.1f MiB, %u rounds (medians), %u hardware "
              "threads, load average %.2f\n",
              files.size(), lines, bytes / 1048576.0, rounds, std::thread::hardware_concurrency(),
              loadAverage());
  analyseAll(); // warm-up: page cache, allocator, the grammar's tables
  for (unsigned round = 0; round < rounds; ++round) {
    for (size_t k = 0; k < measurements.size(); ++k) {
      Measurement &m = measurements[(k + round) % measurements.size()];
      m.times.push_back(measure(m.body));
    }
    pairedRounds.push_back(pairedAll());
  }
  ts_parser_delete(parser);

  std::vector<double> wall, cpu;
  std::printf("  %-32s %9s %9s %14s   %s\n", "", "wall s", "cpu s", "lines/s (wall)",
              "wall per round");
  for (const Measurement &m : measurements) {
    std::vector<double> w, c;
    for (const Times &t : m.times) {
      w.push_back(t.wall);
      c.push_back(t.cpu);
    }
    wall.push_back(median(w));
    cpu.push_back(median(c));
    std::printf("  %-32s %9.3f %9.3f %14.0f  ", m.name, wall.back(), cpu.back(), lines / wall.back());
    for (double x : w)
      std::printf(" %.3f", x);
    std::printf("\n");
  }
  // The analysis-to-parse floor compares CPU time: both sides run on one thread, and CPU time
  // stays meaningful on a machine that other jobs share. The wall-clock ratio is printed too.
  std::vector<double> pairedRatios;
  for (const Paired &p : pairedRounds)
    pairedRatios.push_back(p.analysis / p.parse);
  double analysisOverParse = median(pairedRatios);
  double analysisOverParseWall = wall[1] / wall[0];
  std::printf("  paired (file by file)   parse %.3f s, analysis %.3f s cpu (median round)\n",
              median([&] {
                std::vector<double> v;
                for (const Paired &p : pairedRounds)
                  v.push_back(p.parse);
                return v;
              }()),
              median([&] {
                std::vector<double> v;
                for (const Paired &p : pairedRounds)
                  v.push_back(p.analysis);
                return v;
              }()));
  std::printf("  paired ratio per round ");
  for (double r : pairedRatios)
    std::printf(" %.3f", r);
  std::printf("\n");
  double j1OverJ2 = wall[2] / wall[3];
  std::printf("  analysis / parse   %.2fx cpu file by file (floor: at most %.1fx); whole corpus: "
              "%.2fx cpu, %.2fx wall\n",
              analysisOverParse, kAnalysisOverParseFloor, cpu[1] / cpu[0], analysisOverParseWall);
  std::printf("  files -j1 / parse  %.2fx cpu  (reading the files included; for information)\n",
              cpu[2] / cpu[0]);
  std::printf("  -j1 / -j2          %.2fx wall  (floor: at least %.1fx)\n", j1OverJ2,
              kJ1OverJ2Floor);
  std::printf("  cross-file / parse %.2fx cpu  (py-frontend/project/ over every file's facts; "
              "for information)\n",
              cpu[4] / cpu[0]);
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("  peak RSS           %.0f MiB  (the whole benchmark process: every file's source "
              "held, facts of one scan at a time)\n",
              usage.ru_maxrss / 1024.0);
  double load = loadAverage();
  if (load > 0.5 || std::thread::hardware_concurrency() < 2)
    std::printf("python-bench: note: load average %.2f with %u hardware threads: the -j2 speed-up "
                "needs two idle cores to mean anything\n",
                load, std::thread::hardware_concurrency());

  int status = 0;
  if (analysisOverParse > kAnalysisOverParseFloor) {
    std::printf("python-bench: FAIL: the analysis takes %.2fx the CPU time of the bare parse "
                "(floor %.1fx)\n",
                analysisOverParse, kAnalysisOverParseFloor);
    status = 1;
  }
  if (j1OverJ2 < kJ1OverJ2Floor) {
    std::printf("python-bench: FAIL: -j2 is only %.2fx faster than -j1 (floor %.1fx)\n", j1OverJ2,
                kJ1OverJ2Floor);
    status = 1;
  }
  if (status == 0)
    std::printf("python-bench: within the floors\n");
  return status;
}
