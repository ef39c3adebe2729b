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

bool isWithinFolder(const std::string& inner, const std::string& outer) {
    std::error_code ec;
    const fs::path in = fs::weakly_canonical(fs::absolute(inner, ec), ec), out = fs::weakly_canonical(fs::absolute(outer, ec), ec);
    if (ec) return false;
    // Component-wise prefix, so that /a/bc is not taken to lie within /a/b.
    auto o = out.begin(), i = in.begin();
    for (; o != out.end() && i != in.end(); ++o, ++i)
        if (*o != *i) return false;
    // A trailing separator leaves an empty last component on `out`.
    return o == out.end() || (std::next(o) == out.end() && o->empty());
}

} // namespace pconv::cli
