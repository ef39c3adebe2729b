#include "output_file.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"

#include <filesystem>

namespace pconv::cli {

void checkOutputFile(const std::string& path, bool overwriteAllowed) {
    checkWritablePath(path);  // first: a folder of that name cannot be overwritten, --force or not
    std::error_code ec;
    if (!overwriteAllowed && std::filesystem::exists(path, ec)) throw FileError(path, "already exists; pass --force to overwrite it");
}

} // namespace pconv::cli
