#include "model_argument.h"

#include "pconv/default_model.h"

namespace pconv::cli {

std::string modelPathOrDefault(const ArgParser& parser, const std::string& ifMissing) {
    if (parser.has("model")) return parser.get("model");
    const auto shipped = findDefaultModel(currentExecutablePath());
    if (!shipped) throw parser.usageError(ifMissing);
    return *shipped;
}

} // namespace pconv::cli
