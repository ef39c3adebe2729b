#pragma once
// The temporary files of atomic writes in progress, so that a process stopped
// by a signal (Ctrl+C, kill) can remove them instead of leaving
// .<name>.tmp<n> files beside the user's.
#include <string>

namespace pconv {

// Notes `path` as a temporary file being written; returns a slot for forgetTempFile.
// Returns -1 when every slot is taken (the file is then just not cleaned up on a signal).
int rememberTempFile(const std::string& path);
void forgetTempFile(int slot);

// Deletes every remembered file. Async-signal-safe: only unlink(2) on fixed buffers.
void removePendingTempFiles() noexcept;

// Installs SIGINT and SIGTERM handlers that call removePendingTempFiles(), then
// end the process as the signal would have.
void removeTempFilesOnTermination();

} // namespace pconv
