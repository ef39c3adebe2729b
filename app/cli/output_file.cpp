#include "output_file.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"

#include <filesystem>
#include <iterator>

namespace fs = std::filesystem;

namespace pconv::cli {

void checkOutputFile(const std::string& path, bool overwriteAllowed, const std::vector<std::string>& inputs) {
    checkWritablePath(path);  // first: a folder of that name cannot be overwritten, --force or not
    for (const auto& input : inputs)
        if (sameFile(path, input)) throw FileError(path, "is also the input '" + input + "'; write to another file so the original is kept");
    std::error_code ec;
    if (!overwriteAllowed && fs::exists(path, ec)) throw FileError(path, "already exists; pass --force to overwrite it");
}

void checkModelFileName(const ArgParser& parser, const std::string& option) {
    const std::string path = parser.get(option);
    if (hasImageExtension(path))
        throw parser.usageError("--" + option + " " + path + " is an image file name; name a model .pconv (or a checkpoint .pt)");
}

} // namespace pconv::cli
