#pragma once
// The model a subcommand uses: --model FILE when given, else the shipped default.
#include "arg_parser.h"

#include <string>

namespace pconv::cli {

// Throws parser.usageError(ifMissing) when there is neither.
std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing);

} // namespace pconv::cli
