#include "Configuration.h"

#include "SourceFiles.h"
#include "engine/RuleEngine.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

namespace capcycle {
namespace {

// YAML and TOML read into one tree, so that both files mean exactly the same and are checked
// by the same code. Every value remembers its line for error messages.
struct RawValue {
  enum class Kind { String, Bool, List, Table, Other } kind = Kind::Other;
  unsigned line = 0;
  std::string text;
  bool flag = false;
  std::vector<RawValue> items;                           // List
  std::vector<std::pair<std::string, RawValue>> entries; // Table, in file order; value.line
                                                         // is the key's line
};

struct ConfigError {
  unsigned line;
  std::string message;
};

RawValue fromYaml(const YAML::Node &node, unsigned line) {
  RawValue value;
  value.line = line;
  if (node.IsScalar()) {
    value.kind = RawValue::Kind::String;
    value.text = node.Scalar();
    // YAML has no separate boolean syntax in yaml-cpp's tree; plain true/false are booleans.
    if (node.Tag() != "!" && (value.text == "true" || value.text == "false"))
      value.kind = RawValue::Kind::Bool, value.flag = value.text == "true";
  } else if (node.IsSequence()) {
    value.kind = RawValue::Kind::List;
    for (const YAML::Node &item : node)
      value.items.push_back(fromYaml(item, item.Mark().line + 1));
  } else if (node.IsMap()) {
    value.kind = RawValue::Kind::Table;
    for (auto it = node.begin(); it != node.end(); ++it)
      value.entries.emplace_back(it->first.Scalar(),
                                 fromYaml(it->second, it->first.Mark().line + 1));
  }
  return value;
}

RawValue fromToml(const toml::node &node, unsigned line) {
  RawValue value;
  value.line = line;
  if (auto text = node.value<std::string>(); text && node.is_string()) {
    value.kind = RawValue::Kind::String;
    value.text = *text;
  } else if (node.is_boolean()) {
    value.kind = RawValue::Kind::Bool;
    value.flag = *node.value<bool>();
  } else if (const toml::array *array = node.as_array()) {
    value.kind = RawValue::Kind::List;
    for (const toml::node &item : *array)
      value.items.push_back(fromToml(item, item.source().begin.line));
  } else if (const toml::table *table = node.as_table()) {
    value.kind = RawValue::Kind::Table;
    for (auto &&[key, item] : *table)
      value.entries.emplace_back(std::string(key.str()), fromToml(item, key.source().begin.line));
  }
  return value;
}

llvm::Expected<std::string> readText(llvm::StringRef file) {
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read configuration '%s': %s",
                                   file.str().c_str(), buffer.getError().message().c_str());
  return (*buffer)->getBuffer().str();
}

bool isYaml(llvm::StringRef file) {
  llvm::StringRef extension = llvm::sys::path::extension(file);
  return extension == ".yaml" || extension == ".yml";
}

// The [tool.capcycle] table of a pyproject.toml, or nullopt when it has none.
std::optional<RawValue> pyprojectTable(const std::string &text, llvm::StringRef file) {
  toml::table root = toml::parse(text, std::string_view(file.data(), file.size()));
  const toml::node_view<const toml::node> table = std::as_const(root)["tool"]["capcycle"];
  if (!table)
    return std::nullopt;
  if (!table.is_table())
    throw ConfigError{table.node()->source().begin.line, "'tool.capcycle' must be a table"};
  return fromToml(*table.node(), table.node()->source().begin.line);
}

class Interpreter {
public:
  explicit Interpreter(Configuration &config) : config(config) {}

  void read(const RawValue &root) {
    if (root.kind == RawValue::Kind::Other && root.items.empty() && root.entries.empty())
      return; // an empty file configures nothing
    if (root.kind != RawValue::Kind::Table)
      throw ConfigError{root.line, "expected a mapping of configuration keys"};
    for (const auto &[key, value] : root.entries)
      readKey(key, value);
  }

private:
  Configuration &config;

  void readKey(const std::string &key, const RawValue &value) {
    if (key == "select")
      config.select = ruleIds(key, value);
    else if (key == "ignore")
      config.ignore = ruleIds(key, value);
    else if (key == "exclude")
      for (const RawValue &item : strings(key, value))
        config.exclude.push_back(glob(key, item));
    else if (key == "per-file-ignores")
      perFileIgnores(key, value);
    else if (key == "models")
      for (const RawValue &item : strings(key, value))
        config.models.push_back(relativeToConfig(item.text));
    else if (key == "fail-on")
      failOn(key, value);
    else if (key == "warn-unused-ignores")
      config.warnUnusedIgnores = boolean(key, value);
    else if (key == "compile-database")
      config.compileDatabase = absoluteNormalized(relativeToConfig(directoryName(key, value)));
    else if (key == "qt-api")
      qtApi(key, value);
    else
      throw ConfigError{value.line, "unknown key '" + key +
                                        "' (expected select, ignore, exclude, per-file-ignores, "
                                        "models, fail-on, warn-unused-ignores, "
                                        "compile-database or qt-api)"};
  }

  void qtApi(const std::string &key, const RawValue &value) {
    static const char *const known[] = {"pyqt5", "pyqt6", "pyside2", "pyside6"};
    std::string name = value.kind == RawValue::Kind::String ? llvm::StringRef(value.text).lower() : "";
    if (!llvm::is_contained(known, name))
      throw ConfigError{value.line, "'" + key +
                                        "' must be one of pyqt5, pyqt6, pyside2, pyside6 (the "
                                        "binding qtpy selects, as its QT_API names it)"};
    config.qtApi = name;
  }

  static const std::vector<RawValue> &strings(const std::string &key, const RawValue &value) {
    if (value.kind != RawValue::Kind::List ||
        llvm::any_of(value.items,
                     [](const RawValue &item) { return item.kind != RawValue::Kind::String; }))
      throw ConfigError{value.line, "'" + key + "' must be a list of strings"};
    return value.items;
  }

  static std::vector<std::string> ruleIds(const std::string &key, const RawValue &value) {
    std::vector<std::string> ids;
    for (const RawValue &item : strings(key, value)) {
      std::string id = llvm::StringRef(item.text).trim().upper();
      RuleSelection probe{{id}, {}};
      if (!probe.unknownSelector().empty())
        throw ConfigError{item.line, "'" + item.text + "' in '" + key +
                                         "' names no rule (see capcycle rules)"};
      ids.push_back(std::move(id));
    }
    return ids;
  }

  static PathGlob glob(const std::string &key, const RawValue &item) {
    auto text = std::make_shared<const std::string>(item.text);
    auto pattern = llvm::GlobPattern::create(*text);
    if (!pattern)
      throw ConfigError{item.line, "'" + item.text + "' in '" + key +
                                       "' is not a valid glob: " +
                                       llvm::toString(pattern.takeError())};
    return {std::move(text), std::move(*pattern)};
  }

  void perFileIgnores(const std::string &key, const RawValue &value) {
    if (value.kind != RawValue::Kind::Table)
      throw ConfigError{value.line, "'" + key + "' must map globs to lists of rule ids"};
    for (const auto &[pattern, ids] : value.entries) {
      RawValue patternValue;
      patternValue.text = pattern;
      patternValue.line = ids.line;
      config.perFileIgnores.push_back({glob(key, patternValue), ruleIds(key, ids)});
    }
  }

  void failOn(const std::string &key, const RawValue &value) {
    std::optional<Level> level =
        value.kind == RawValue::Kind::String ? parseLevel(value.text) : std::nullopt;
    if (!level)
      throw ConfigError{value.line, "'" + key + "' must be note, warning or error"};
    config.failOn = level;
  }

  // Empty would silently mean the configuration's own directory.
  static const std::string &directoryName(const std::string &key, const RawValue &value) {
    if (value.kind != RawValue::Kind::String || value.text.empty())
      throw ConfigError{value.line, "'" + key + "' must name a directory"};
    return value.text;
  }

  static bool boolean(const std::string &key, const RawValue &value) {
    if (value.kind != RawValue::Kind::Bool)
      throw ConfigError{value.line, "'" + key + "' must be true or false"};
    return value.flag;
  }

  std::string relativeToConfig(llvm::StringRef path) const {
    if (llvm::sys::path::is_absolute(path))
      return path.str();
    llvm::SmallString<256> full(config.directory);
    llvm::sys::path::append(full, path);
    return std::string(full);
  }
};

// `path` relative to the configuration directory, or nullopt when it lies outside.
std::optional<std::string> relativeTo(llvm::StringRef directory, llvm::StringRef path) {
  std::string absolute = absoluteNormalized(path);
  std::string prefix = directory.str();
  if (!llvm::StringRef(prefix).ends_with("/"))
    prefix += '/';
  if (!llvm::StringRef(absolute).starts_with(prefix))
    return std::nullopt;
  return absolute.substr(prefix.size());
}

bool globMatches(const PathGlob &glob, llvm::StringRef relative) {
  bool componentPattern = !llvm::StringRef(*glob.text).contains('/');
  llvm::SmallVector<llvm::StringRef> components;
  relative.split(components, '/', -1, /*KeepEmpty=*/false);
  std::string prefix;
  for (llvm::StringRef component : components) {
    prefix += prefix.empty() ? component.str() : "/" + component.str();
    if (glob.pattern.match(prefix) || (componentPattern && glob.pattern.match(component)))
      return true;
  }
  return false;
}

} // namespace

std::optional<Level> parseLevel(llvm::StringRef name) {
  if (name == "note")
    return Level::Note;
  if (name == "warning")
    return Level::Warning;
  if (name == "error")
    return Level::Error;
  return std::nullopt;
}

bool Configuration::isExcluded(llvm::StringRef path) const {
  if (exclude.empty())
    return false;
  auto relative = relativeTo(directory, path);
  return relative && llvm::any_of(exclude, [&](const PathGlob &glob) {
           return globMatches(glob, *relative);
         });
}

std::vector<std::string> Configuration::ignoredRulesFor(llvm::StringRef path) const {
  std::vector<std::string> ids;
  if (perFileIgnores.empty())
    return ids;
  if (auto relative = relativeTo(directory, path))
    for (const PerFileIgnore &entry : perFileIgnores)
      if (globMatches(entry.glob, *relative))
        llvm::append_range(ids, entry.ruleIds);
  return ids;
}

llvm::Expected<std::optional<std::string>> findConfigurationFile(llvm::StringRef start) {
  std::string directory = absoluteNormalized(start);
  if (!llvm::sys::fs::is_directory(directory))
    directory = llvm::sys::path::parent_path(directory).str();
  for (llvm::StringRef dir = directory; !dir.empty(); dir = llvm::sys::path::parent_path(dir)) {
    llvm::SmallString<256> yaml(dir), pyproject(dir);
    llvm::sys::path::append(yaml, ".capcycle.yaml");
    llvm::sys::path::append(pyproject, "pyproject.toml");
    if (llvm::sys::fs::exists(yaml))
      return std::optional<std::string>(std::string(yaml));
    if (llvm::sys::fs::exists(pyproject)) {
      auto text = readText(pyproject);
      if (!text)
        return text.takeError();
      try {
        if (pyprojectTable(*text, pyproject))
          return std::optional<std::string>(std::string(pyproject));
      } catch (const toml::parse_error &error) {
        return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%u: %s",
                                       pyproject.c_str(), error.source().begin.line,
                                       std::string(error.description()).c_str());
      } catch (const ConfigError &error) {
        return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%u: %s",
                                       pyproject.c_str(), error.line, error.message.c_str());
      }
    }
  }
  return std::nullopt;
}

llvm::Expected<Configuration> loadConfiguration(llvm::StringRef file) {
  Configuration config;
  config.file = file.str();
  config.directory = llvm::sys::path::parent_path(absoluteNormalized(file)).str();
  auto text = readText(file);
  if (!text)
    return text.takeError();
  try {
    Interpreter interpreter(config);
    if (isYaml(file)) {
      YAML::Node root = YAML::Load(*text);
      interpreter.read(fromYaml(root, root.Mark().line + 1));
    } else if (auto table = pyprojectTable(*text, file)) {
      interpreter.read(*table);
    }
  } catch (const YAML::Exception &error) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%d: %s", config.file.c_str(),
                                   error.mark.line + 1, error.msg.c_str());
  } catch (const toml::parse_error &error) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%u: %s", config.file.c_str(),
                                   error.source().begin.line,
                                   std::string(error.description()).c_str());
  } catch (const ConfigError &error) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%u: %s", config.file.c_str(),
                                   std::max(error.line, 1u), error.message.c_str());
  }
  return config;
}

} // namespace capcycle
