#pragma once
// A small option parser for the `pconv` subcommands: --name VALUE options,
// --flag switches, generated --help text, and usage errors that name the command.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace pconv::cli {

// Bad command-line usage: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ArgParser {
public:
    ArgParser(std::string command, std::string summary);

    void option(const std::string& name, const std::string& metavar, const std::string& help,
                std::optional<std::string> defaultValue = std::nullopt, bool required = false);
    void flag(const std::string& name, const std::string& help);
    // An option that may be given several times; get() returns the values joined by commas.
    void repeatableOption(const std::string& name, const std::string& metavar, const std::string& help,
                          std::optional<std::string> defaultValue = std::nullopt);
    void epilog(const std::string& text) { epilog_ = text; }
    // The usage line's arguments, where the required options alone do not tell them
    // (one of two options, bare arguments); default: the required options.
    void synopsis(const std::string& text) { synopsis_ = text; }

    // Parses args (without the program and command names). Returns false when
    // --help was asked for. Throws UsageError.
    bool parse(const std::vector<std::string>& args);

    // Sets an option (or, with an empty value, a flag) that was not given on the command
    // line, as if it had been its default: given() stays false. For settings taken from
    // elsewhere, such as a resumed run's own.
    void adopt(const std::string& name, const std::string& value);

    bool has(const std::string& name) const;  // given, or has a default
    bool given(const std::string& name) const;  // on the command line
    bool isFlag(const std::string& name) const;  // declared with flag(): takes no value
    std::string get(const std::string& name) const;
    // A repeatable option's values, each occurrence also split at commas; empty when not given.
    std::vector<std::string> getList(const std::string& name) const;
    int getInt(const std::string& name, int min, int max) const;
    double getDouble(const std::string& name, double min, double max) const;
    std::uint64_t getSeed(const std::string& name) const;
    bool flagSet(const std::string& name) const { return has(name); }

    std::string help() const;
    const std::string& command() const { return command_; }  // "pconv inpaint"
    // "pconv inpaint: <message> (see 'pconv inpaint --help')"
    UsageError usageError(const std::string& message) const;
    // When --name was given on the command line, says on stderr that it does nothing here:
    // "pconv inpaint: warning: --name is ignored: <why>". Not an error: a script may pass one
    // set of options to several runs.
    void warnIgnored(const std::string& name, const std::string& why) const;

private:
    struct Spec {
        std::string name, metavar, help;
        std::optional<std::string> defaultValue;
        bool required = false;
        bool isFlag = false;
        bool repeatable = false;
    };
    const Spec* find(const std::string& name) const;

    std::string command_, summary_, epilog_, synopsis_;
    std::vector<Spec> specs_;
    std::map<std::string, std::string> values_;
    std::set<std::string> given_;
};

} // namespace pconv::cli
