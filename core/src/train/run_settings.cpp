// The text form of a run's settings kept in its checkpoints (trainer.h).
#include "pconv/train/trainer.h"

#include <sstream>

namespace pconv {

std::string formatRunSettings(const RunSettings& settings) {
    std::string text;
    for (const auto& [name, value] : settings) text += name + (value.empty() ? "" : "=" + value) + "\n";
    return text;
}

RunSettings parseRunSettings(const std::string& text) {
    RunSettings settings;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        const auto equals = line.find('=');
        settings.emplace_back(line.substr(0, equals), equals == std::string::npos ? std::string() : line.substr(equals + 1));
    }
    return settings;
}

} // namespace pconv
