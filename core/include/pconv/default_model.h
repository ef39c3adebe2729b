#pragma once
// Where the shipped default model is found, so the editor and the CLI work out
// of the box. Torch-free.
#include <optional>
#include <string>

namespace pconv {

// The file name of the shipped model inside models/.
constexpr const char* kDefaultModelFileName = "default.pconv";

// Uses $PCONV_DEFAULT_MODEL when it is set (nothing else then); otherwise looks at models/default.pconv beside the
// executable's folder (the source tree: build/bin/../../models), then
// ../share/pconv-studio/models (an install). Returns the first that exists.
std::optional<std::string> findDefaultModel(const std::string& executablePath);

// The running executable's path (from /proc/self/exe), or an empty string.
std::string currentExecutablePath();

} // namespace pconv
