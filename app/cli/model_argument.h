#pragma once
// The model a subcommand uses: --model FILE when given, else the shipped default;
// and how it runs.
#include "arg_parser.h"

#include "pconv/inpainter.h"

#include <string>

namespace pconv::cli {

// Throws parser.usageError(ifMissing) when there is neither.
std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing);

// How the network runs (see PConvInpaintOptions): --mirror-views N, the self-ensemble;
// --deep-holes texture|smooth, what fills holes deeper than the network was trained on.
void addPConvRunOptions(ArgParser& parser);
PConvInpaintOptions pconvOptionsFromArgs(const ArgParser& parser);

// Warns (on stderr) of --model, --mirror-views and --deep-holes when no method is pconv, and of
// --radius when none is telea or ns: an option that silently does nothing misleads,
// but a script that loops over methods with one set of options should still run.
void warnOfOptionsOfUnusedMethods(const ArgParser& parser, const std::vector<Method>& methods);

} // namespace pconv::cli
