#pragma once
// The one check every subcommand makes of a file it is about to write, before any work:
// its folder exists, it is not a folder, it is not one of the command's own inputs, and it
// is new unless --force was given.
#include "arg_parser.h"

#include <string>
#include <vector>

namespace pconv::cli {

// Throws FileError naming the path and the problem. An input is never overwritten, --force
// or not: the command would read it and replace it with what it made from it.
void checkOutputFile(const std::string& path, bool overwriteAllowed, const std::vector<std::string>& inputs = {});

// A model or checkpoint named like an image (--out photo.png) is refused as a usage error:
// with --force it would replace a photo with an archive.
void checkModelFileName(const ArgParser& parser, const std::string& option);

} // namespace pconv::cli
