#pragma once
// The one check every subcommand makes of a file it is about to write, before any work:
// its folder exists, it is not a folder, and it is new unless --force was given.
#include <string>

namespace pconv::cli {

// Throws FileError naming the path and the problem.
void checkOutputFile(const std::string& path, bool overwriteAllowed);

} // namespace pconv::cli
