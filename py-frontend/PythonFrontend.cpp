#include "PythonFrontend.h"

#include "ScopeModel.h"
#include "CallableStoreCollector.h"
#include "CallSiteCollector.h"
#include "CallbackRegistrationCollector.h"
#include "FinalizerReleaseCollector.h"
#include "ModuleInterfaceCollector.h"
#include "project/ProjectModel.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ThreadPool.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace capcycle {

namespace {

using python::ScopeModel;

Notification problem(llvm::StringRef path, std::string message, unsigned line = 0,
                     unsigned column = 0, Notification::Level level = Notification::Level::Warning) {
  return {level, std::move(message), {path.str(), line, column, line, column}};
}

// Why the text cannot be read as Python source, or nullopt when it can.
std::optional<Notification> checkDecodable(llvm::StringRef path, llvm::StringRef source) {
  size_t nul = source.substr(0, 8192).find('\0');
  if (nul != llvm::StringRef::npos)
    return problem(path, "binary file (NUL byte at offset " + std::to_string(nul) + "); skipped");
  // Most source files are ASCII: checked a word at a time, UTF-8 decoding only from the first
  // byte with its high bit set.
  size_t ascii = 0;
  for (uint64_t word; ascii + sizeof word <= source.size(); ascii += sizeof word) {
    std::memcpy(&word, source.data() + ascii, sizeof word);
    if (word & 0x8080808080808080ULL)
      break;
  }
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(source.data());
  const llvm::UTF8 *bad = begin + ascii;
  if (!llvm::isLegalUTF8String(&bad, begin + source.size())) {
    size_t offset = bad - begin;
    llvm::StringRef before = source.substr(0, offset);
    unsigned line = before.count('\n') + 1;
    unsigned column = offset - (before.rfind('\n') + 1) + 1;
    return problem(path,
                   llvm::formatv("not valid UTF-8 (byte 0x{0:x-2} at offset {1}); skipped",
                                 static_cast<unsigned char>(source[offset]), offset),
                   line, column);
  }
  return std::nullopt;
}

bool isSyntaxError(TSNode node) {
  return ts_node_is_missing(node) || std::strcmp(ts_node_type(node), "ERROR") == 0;
}

// The first ERROR or MISSING node in document order: follow, level by level, the first child
// whose subtree holds an error. No recursion, so any nesting depth is fine.
TSNode firstSyntaxError(TSNode root) {
  TSNode node = root;
  while (!isSyntaxError(node)) {
    TSNode next{};
    uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count && ts_node_is_null(next); ++i) {
      TSNode child = ts_node_child(node, i);
      if (isSyntaxError(child) || ts_node_has_error(child))
        next = child;
    }
    if (ts_node_is_null(next))
      break;
    node = next;
  }
  return node;
}

Notification syntaxError(llvm::StringRef path, TSNode root) {
  TSNode error = firstSyntaxError(root);
  TSPoint at = ts_node_start_point(error);
  std::string what = ts_node_is_missing(error)
                         ? std::string("syntax error: missing '") + ts_node_type(error) + "'"
                         : std::string("syntax error");
  return problem(path, what + "; file skipped", at.row + 1, at.column + 1);
}

struct ParserDeleter {
  void operator()(TSParser *parser) const { ts_parser_delete(parser); }
};
struct TreeDeleter {
  void operator()(TSTree *tree) const { ts_tree_delete(tree); }
};
using Tree = std::unique_ptr<TSTree, TreeDeleter>;

// What lies inside brackets outside strings: newlines, which Python ignores there (and so the
// indentation of the line after them) although tree-sitter-python 0.23.6 rejects a
// continuation line dedented below its block (`m = (a +\n b)` in a def), and comments.
struct BracketedText {
  std::vector<uint32_t> newlines;
  std::vector<std::pair<size_t, size_t>> comments; // [begin, end)
};

BracketedText bracketedText(llvm::StringRef source) {
  BracketedText found;
  std::vector<uint32_t> &newlines = found.newlines;
  int depth = 0;
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '#') {
      size_t end = std::min(source.find('\n', i), source.size());
      if (depth > 0)
        found.comments.push_back({i, end});
      i = end - 1; // the newline is read next
      continue;
    }
    if (c == '\'' || c == '"') {
      bool triple = source.substr(i, 3) == std::string(3, c);
      size_t j = i + (triple ? 3 : 1);
      for (; j < source.size(); ++j) {
        if (source[j] == '\\') {
          ++j;
          continue;
        }
        if (source[j] == '\n' && !triple)
          break; // an unterminated string: the parser says so
        if (source[j] == c && (!triple || source.substr(j, 3) == std::string(3, c))) {
          j += triple ? 2 : 0;
          break;
        }
      }
      i = j;
      continue;
    }
    if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0)
      --depth;
    else if (c == '\n' && depth > 0)
      newlines.push_back(static_cast<uint32_t>(i));
  }
  return found;
}

// The row and byte column of `offset` in `text`.
TSPoint pointAt(llvm::StringRef text, uint32_t offset) {
  llvm::StringRef before = text.take_front(offset);
  size_t lineStart = before.rfind('\n');
  uint32_t row = static_cast<uint32_t>(before.count('\n'));
  uint32_t column = offset - (lineStart == llvm::StringRef::npos ? 0 : lineStart + 1);
  return {row, column};
}

// Parses again with the bracketed newlines and comments read as spaces, where the file did not
// parse; then tells the tree those spaces were newlines (ts_tree_edit, last first), so every
// node's line and column are the file's own (comments are read from the file's text, not the
// tree). Null where the file still does not parse.
Tree parseJoiningBracketedLines(TSParser *parser, llvm::StringRef source) {
  BracketedText bracketed = bracketedText(source);
  const std::vector<uint32_t> &newlines = bracketed.newlines;
  if (newlines.empty())
    return nullptr;
  std::string joined = source.str();
  for (auto [begin, end] : bracketed.comments)
    std::fill(joined.begin() + begin, joined.begin() + end, ' ');
  for (uint32_t at : newlines)
    joined[at] = ' ';
  Tree tree(ts_parser_parse_string(parser, nullptr, joined.data(), joined.size()));
  if (!tree || ts_node_has_error(ts_tree_root_node(tree.get())))
    return nullptr;
  for (auto at = newlines.rbegin(); at != newlines.rend(); ++at) {
    TSPoint start = pointAt(joined, *at);
    TSInputEdit edit{*at, *at + 1, *at + 1, start, {start.row, start.column + 1},
                     {start.row + 1, 0}};
    ts_tree_edit(tree.get(), &edit);
    joined[*at] = '\n';
  }
  return tree;
}

} // namespace

FactSet analyzePythonSource(llvm::StringRef path, llvm::StringRef source,
                            const PythonScanOptions &options) {
  FactSet facts;
  if (source.size() > options.maxFileBytes) {
    facts.notifications.push_back(problem(
        path, llvm::formatv("file is {0} MiB, over the {1} MiB limit; skipped",
                            source.size() >> 20, options.maxFileBytes >> 20)));
    return facts;
  }
  if (auto undecodable = checkDecodable(path, source)) {
    facts.notifications.push_back(std::move(*undecodable));
    return facts;
  }

  // One parser per thread, reused file after file (making one allocates its stacks).
  thread_local std::unique_ptr<TSParser, ParserDeleter> parser = [] {
    std::unique_ptr<TSParser, ParserDeleter> made(ts_parser_new());
    ts_parser_set_language(made.get(), tree_sitter_python());
    return made;
  }();
  ts_parser_reset(parser.get()); // nothing left of a previous file's parse
  std::unique_ptr<TSTree, TreeDeleter> tree(
      ts_parser_parse_string(parser.get(), nullptr, source.data(), source.size()));
  if (!tree) {
    facts.notifications.push_back(problem(path, "the parser gave up on this file; skipped"));
    return facts;
  }
  TSNode root = ts_tree_root_node(tree.get());
  if (ts_node_has_error(root))
    if (Tree joined = parseJoiningBracketedLines(parser.get(), source)) {
      tree = std::move(joined);
      root = ts_tree_root_node(tree.get());
    }
  if (ts_node_has_error(root)) {
    // A tree with errors yields guesses, and guesses are not findings.
    facts.notifications.push_back(syntaxError(path, root));
    return facts;
  }
  ScopeModel model = ScopeModel::build(root, source, path);
  facts.finalizerReleases = python::collectFinalizerReleases(model);
  facts.callbackRegistrations =
      python::collectCallbackRegistrations(model, &facts.parameterizedRegistrations);
  facts.pythonCallableStores = python::collectCallableStores(model);
  facts.pythonClasses = python::collectClasses(model);
  facts.pythonModuleBindings = python::collectModuleBindings(model);
  facts.pythonCalls = python::collectCalls(model);
  facts.pythonFunctions =
      python::functionsCallSitesNeed(python::collectFunctions(model), facts.parameterizedRegistrations,
                                     facts.pythonCalls, facts.pythonClasses);
  return facts;
}

namespace {
// `entry` receives the name of the file's cache entry, where there is a cache.
FactSet analyzePythonFile(const std::string &path, const PythonScanOptions &options,
                          std::string &entry) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    FactSet facts;
    facts.notifications.push_back(problem(path, "cannot read: " + buffer.getError().message(), 0,
                                          0, Notification::Level::Error));
    return facts;
  }
  llvm::StringRef source = (*buffer)->getBuffer();
  if (!options.cache || !options.cache->enabled())
    return analyzePythonSource(path, source, options);
  entry = options.cache->entryName(path, source, options.maxFileBytes);
  if (std::optional<FactSet> cached = options.cache->lookup(entry))
    return std::move(*cached);
  FactSet facts = analyzePythonSource(path, source, options);
  options.cache->store(entry, facts);
  return facts;
}
} // namespace

FactSet analyzePythonFiles(const std::vector<std::string> &files,
                           const PythonScanOptions &options) {
  std::vector<FactSet> perFile(files.size());
  std::vector<std::string> entries(files.size());
  if (options.jobs <= 1 || files.size() <= 1) {
    for (size_t i = 0; i < files.size(); ++i)
      perFile[i] = analyzePythonFile(files[i], options, entries[i]);
  } else {
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency(options.jobs));
    for (size_t i = 0; i < files.size(); ++i)
      pool.async([&, i] { perFile[i] = analyzePythonFile(files[i], options, entries[i]); });
    pool.wait();
  }
  if (options.cache)
    options.cache->prune(entries, std::chrono::system_clock::now());
  FactSet facts;
  for (FactSet &file : perFile)
    facts.append(std::move(file));
  python::resolveAcrossFiles(facts);
  return facts;
}

} // namespace capcycle
