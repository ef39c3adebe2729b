#include "pconv/train/trainer.h"

#include <cstdlib>

namespace pconv {

DataParallelOptions dataParallelFromEnvironment() {
    DataParallelOptions options;
    auto env = [](const char* name) -> const char* {
        const char* value = std::getenv(name);
        return value && *value ? value : nullptr;
    };
    if (const char* v = env("WORLD_SIZE")) options.worldSize = std::atoi(v);
    if (const char* v = env("RANK")) options.rank = std::atoi(v);
    options.localRank = options.rank;
    if (const char* v = env("LOCAL_RANK")) options.localRank = std::atoi(v);
    if (const char* v = env("MASTER_ADDR")) options.masterAddress = v;
    if (const char* v = env("MASTER_PORT")) options.masterPort = std::atoi(v);
    return options;
}

} // namespace pconv
