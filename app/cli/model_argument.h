#pragma once
// The model a subcommand uses: --model FILE when given, else the shipped default;
// and how it runs.
#include "arg_parser.h"

#include "pconv/inpainter.h"

#include <string>

namespace pconv::cli {

// Throws parser.usageError(ifMissing) when there is neither.
std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing);

// --mirror-views N: the PConv self-ensemble (see PConvInpaintOptions).
void addMirrorViewsOption(ArgParser& parser);
PConvInpaintOptions pconvOptionsFromArgs(const ArgParser& parser);

} // namespace pconv::cli
