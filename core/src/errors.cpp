#include "pconv/errors.h"

namespace pconv {

FileError::FileError(const std::string& path, const std::string& problem)
    : Error(path + ": " + problem), path_(path) {}

std::string firstLine(const std::string& text) {
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

} // namespace pconv
