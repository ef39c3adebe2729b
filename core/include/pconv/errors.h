#pragma once
// Errors thrown by pconv_core. Every message names the file (when there is one)
// and says what was wrong, so a CLI or a dialog can show it as is.
#include <stdexcept>
#include <string>

namespace pconv {

// Base of every error pconv_core throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A file could not be read, decoded or written.
class FileError : public Error {
public:
    FileError(const std::string& path, const std::string& problem);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Arguments that do not fit together (sizes, types, ranges).
class InvalidArgument : public Error {
public:
    using Error::Error;
};

// The first line of an exception's message; library errors (c10::Error) carry
// multi-line backtraces that do not belong in a one-line user message.
std::string firstLine(const std::string& text);

} // namespace pconv
