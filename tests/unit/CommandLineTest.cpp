#include "CommandLine.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

CommandLine parse(std::vector<std::string> args) {
  auto cli = parseCommandLine(args);
  EXPECT_TRUE(bool(cli)) << llvm::toString(cli.takeError());
  return cli ? *cli : CommandLine{};
}

std::string error(std::vector<std::string> args) {
  auto cli = parseCommandLine(args);
  return cli ? std::string() : llvm::toString(cli.takeError());
}

TEST(CommandLine, ScanDefaultsToCurrentDirectoryAndText) {
  CommandLine cli = parse({"scan"});
  EXPECT_EQ(cli.command, Command::Scan);
  EXPECT_EQ(cli.paths, std::vector<std::string>{"."});
  EXPECT_EQ(cli.format, OutputFormat::Text);
}

TEST(CommandLine, ScanOptions) {
  CommandLine cli = parse({"scan", "src", "--format", "sarif", "-o", "out.sarif", "--select=CCY1,ccy2",
                           "--ignore", "CCY101", "--exit-zero", "-j", "3", "-p", "build", "--",
                           "-I/x", "-DY"});
  EXPECT_EQ(cli.paths, std::vector<std::string>{"src"});
  EXPECT_EQ(cli.format, OutputFormat::Sarif);
  EXPECT_EQ(cli.outputFile, "out.sarif");
  EXPECT_EQ(cli.select, (std::vector<std::string>{"CCY1", "CCY2"}));
  EXPECT_EQ(cli.ignore, std::vector<std::string>{"CCY101"});
  EXPECT_TRUE(cli.exitZero);
  EXPECT_EQ(cli.jobs, 3u);
  EXPECT_EQ(cli.buildDir, "build");
  EXPECT_EQ(cli.clangArgs, (std::vector<std::string>{"-I/x", "-DY"}));
}

TEST(CommandLine, UsageErrorsNameTheProblem) {
  EXPECT_NE(error({"scna"}).find("unknown command 'scna'"), std::string::npos);
  EXPECT_NE(error({"scan", "--format", "xml"}).find("unknown format 'xml'"), std::string::npos);
  EXPECT_NE(error({"scan", "--bogus"}).find("unknown option '--bogus'"), std::string::npos);
  EXPECT_NE(error({"scan", "-o"}).find("-o needs a value"), std::string::npos);
  EXPECT_NE(error({"scan", "-j", "0"}).find("positive"), std::string::npos);
  EXPECT_NE(error({"rules", "x.py"}).find("no paths"), std::string::npos);
  EXPECT_NE(error({"facts", "--exit-zero"}).find("unknown option"), std::string::npos);
}

TEST(CommandLine, NoCacheForScanAndFactsOnly) {
  EXPECT_FALSE(parse({"scan", "-p", "build"}).noCache);
  EXPECT_TRUE(parse({"scan", "-p", "build", "--no-cache"}).noCache);
  EXPECT_TRUE(parse({"facts", "--no-cache", "-p", "build"}).noCache);
  EXPECT_NE(error({"rules", "--no-cache"}).find("unknown option '--no-cache'"), std::string::npos);
  EXPECT_NE(std::string(UsageText).find("--no-cache"), std::string::npos);
}

TEST(CommandLine, HelpAndVersion) {
  EXPECT_EQ(parse({}).command, Command::Help);
  EXPECT_EQ(parse({"--help"}).command, Command::Help);
  EXPECT_EQ(parse({"--version"}).command, Command::Version);
  EXPECT_EQ(parse({"scan", "--help"}).command, Command::Help);
}

} // namespace
