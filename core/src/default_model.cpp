#include "pconv/default_model.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace pconv {

std::optional<std::string> findDefaultModel(const std::string& executablePath) {
    std::error_code ec;
    // When set, the variable decides alone (tests and packagers rely on that).
    if (const char* env = std::getenv("PCONV_DEFAULT_MODEL"); env && *env) {
        if (fs::is_regular_file(env, ec)) return std::string(env);
        return std::nullopt;
    }
    const fs::path exeDir = fs::path(executablePath).parent_path();
    const fs::path candidates[] = {
        exeDir / ".." / ".." / "models" / kDefaultModelFileName,
        exeDir / ".." / "share" / "pconv-studio" / "models" / kDefaultModelFileName,
        exeDir / "models" / kDefaultModelFileName,
    };
    for (const auto& candidate : candidates)
        if (fs::is_regular_file(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    return std::nullopt;
}

std::string currentExecutablePath() {
    std::error_code ec;
    const auto path = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : path.string();
}

} // namespace pconv
