#pragma once
// `pconv train --nproc N`: N copies of this command as ranks 0..N-1 on this
// machine, rendezvous on a free loopback port; if one fails, the others are ended.
#include <string>
#include <vector>

namespace pconv::cli {

// args: the train command's arguments (without --nproc handling: it is removed).
// Returns the exit code: 0 when every worker succeeded.
int spawnLocalWorkers(const std::vector<std::string>& args, int processes, bool threadsGiven, int timeoutSeconds);

} // namespace pconv::cli
