#include "local_workers.h"

#include "pconv/default_model.h"
#include "pconv/threads.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <chrono>
#include <iostream>

namespace pconv::cli {
namespace {

// A port the kernel just handed out on loopback: free at least for a moment.
int freeLoopbackPort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t length = sizeof addr;
    int port = 29500;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

std::vector<std::string> withoutNproc(const std::vector<std::string>& args) {
    std::vector<std::string> kept;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i;
            continue;
        }
        if (args[i].rfind("--nproc=", 0) == 0) continue;
        kept.push_back(args[i]);
    }
    return kept;
}

} // namespace

int spawnLocalWorkers(const std::vector<std::string>& args, int processes, bool threadsGiven, int timeoutSeconds) {
    const std::string self = currentExecutablePath();
    const std::string port = std::to_string(freeLoopbackPort());
    std::vector<std::string> common = {self, "train"};
    for (const auto& a : withoutNproc(args)) common.push_back(a);
    if (!threadsGiven) {
        // Share the cores instead of oversubscribing them.
        common.push_back("--threads");
        common.push_back(std::to_string(std::max(1, hardwareThreadCount() / processes)));
    }
    std::vector<pid_t> children;
    for (int rank = 0; rank < processes; ++rank) {
        const pid_t pid = fork();
        if (pid < 0) {
            std::perror("pconv train: fork");
            for (pid_t child : children) kill(child, SIGTERM);
            return 1;
        }
        if (pid == 0) {
            setenv("RANK", std::to_string(rank).c_str(), 1);
            setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
            setenv("WORLD_SIZE", std::to_string(processes).c_str(), 1);
            setenv("MASTER_ADDR", "127.0.0.1", 1);
            setenv("MASTER_PORT", port.c_str(), 1);
            std::vector<char*> argv;
            for (auto& a : common) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(self.c_str(), argv.data());
            std::perror("pconv train: exec");
            _exit(127);
        }
        children.push_back(pid);
    }
    // Ctrl+C reaches the children through the terminal's process group; the parent just waits.
    std::signal(SIGINT, SIG_IGN);
    int exitCode = 0;
    size_t running = children.size();
    auto deadline = std::chrono::steady_clock::time_point::max();
    while (running > 0) {
        int status = 0;
        const pid_t done = waitpid(-1, &status, WNOHANG);
        if (done > 0) {
            --running;
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!ok && exitCode == 0) {
                exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                std::cerr << "pconv train: a worker failed; stopping the others\n";
                // The others notice the lost peer themselves; give them the timeout, then end them.
                deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds + 10);
            }
            continue;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            for (pid_t child : children) kill(child, SIGKILL);
            deadline = std::chrono::steady_clock::time_point::max();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::signal(SIGINT, SIG_DFL);
    return exitCode;
}

} // namespace pconv::cli
