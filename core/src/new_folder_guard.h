#pragma once
// A folder this call created stays only if something was written into it: a run that fails
// before writing (no photos, a bad model, an unreachable hole ratio) leaves no empty folder.
#include <exception>
#include <filesystem>
#include <string>

namespace pconv {

class NewFolderGuard {
public:
    // Call before creating `folder`: only a folder that did not exist yet is ever removed.
    explicit NewFolderGuard(const std::string& folder) : folder_(folder) {
        std::error_code ec;
        armed_ = !std::filesystem::exists(folder_, ec);
    }
    ~NewFolderGuard() {
        std::error_code ignored;
        if (armed_ && std::uncaught_exceptions() > exceptionsBefore_ && std::filesystem::is_empty(folder_, ignored))
            std::filesystem::remove(folder_, ignored);
    }
    NewFolderGuard(const NewFolderGuard&) = delete;
    NewFolderGuard& operator=(const NewFolderGuard&) = delete;

private:
    std::filesystem::path folder_;
    bool armed_ = false;
    int exceptionsBefore_ = std::uncaught_exceptions();
};

} // namespace pconv
