#pragma once
// The `pconv` subcommands. Each returns the process exit code and throws
// UsageError (exit 2) or pconv::Error (exit 1) for main() to report.
#include <string>
#include <vector>

namespace pconv::cli {

using Args = std::vector<std::string>;

int runInpaint(const Args& args);
int runMasks(const Args& args);
int runInitModel(const Args& args);
int runInfo(const Args& args);
int runAverage(const Args& args);
int runCompact(const Args& args);
int runTrain(const Args& args);
int runEval(const Args& args);
int runBench(const Args& args);
int runConvert(const Args& args);

} // namespace pconv::cli
