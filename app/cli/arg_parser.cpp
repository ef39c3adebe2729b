#include "arg_parser.h"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <sstream>

namespace pconv::cli {

ArgParser::ArgParser(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}

void ArgParser::option(const std::string& name, const std::string& metavar, const std::string& help,
                       std::optional<std::string> defaultValue, bool required) {
    specs_.push_back({name, metavar, help, std::move(defaultValue), required, false});
}

void ArgParser::repeatableOption(const std::string& name, const std::string& metavar, const std::string& help,
                                 std::optional<std::string> defaultValue) {
    specs_.push_back({name, metavar, help, std::move(defaultValue), false, false, true});
}

void ArgParser::flag(const std::string& name, const std::string& help) { specs_.push_back({name, "", help, std::nullopt, false, true}); }

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
    auto it = std::find_if(specs_.begin(), specs_.end(), [&](const Spec& s) { return s.name == name; });
    return it == specs_.end() ? nullptr : &*it;
}

UsageError ArgParser::usageError(const std::string& message) const {
    return UsageError(command_ + ": " + message + " (see '" + command_ + " --help')");
}

void ArgParser::warnIgnored(const std::string& name, const std::string& why) const {
    if (given(name)) std::cerr << command_ << ": warning: --" << name << " is ignored: " << why << "\n";
}

bool ArgParser::parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        if (arg == "--help" || arg == "-h") return false;
        if (arg.rfind("--", 0) != 0) throw usageError("unexpected argument '" + arg + "'");
        std::optional<std::string> inlineValue;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            inlineValue = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const std::string name = arg.substr(2);
        const Spec* spec = find(name);
        if (!spec) throw usageError("unknown option '--" + name + "'");
        if (spec->isFlag) {
            if (inlineValue) throw usageError("--" + name + " takes no value");
            values_[name] = "1";
            given_.insert(name);
            continue;
        }
        std::string value;
        if (inlineValue) {
            value = *inlineValue;
        } else {
            if (i + 1 >= args.size()) throw usageError("--" + name + " needs a value (" + spec->metavar + ")");
            value = args[++i];
        }
        if (values_.count(name) && !spec->repeatable) throw usageError("--" + name + " is given twice");
        given_.insert(name);
        values_[name] = values_.count(name) ? values_[name] + "," + value : value;
    }
    for (const auto& spec : specs_) {
        if (spec.required && !values_.count(spec.name)) throw usageError("missing --" + spec.name + " " + spec.metavar);
        if (!values_.count(spec.name) && spec.defaultValue) values_[spec.name] = *spec.defaultValue;
    }
    return true;
}

void ArgParser::adopt(const std::string& name, const std::string& value) {
    if (!find(name)) throw std::logic_error("unknown option " + name);
    if (!given(name)) values_[name] = value;
}

bool ArgParser::has(const std::string& name) const { return values_.count(name) > 0; }

bool ArgParser::given(const std::string& name) const { return given_.count(name) > 0; }

bool ArgParser::isFlag(const std::string& name) const {
    const Spec* spec = find(name);
    return spec && spec->isFlag;
}

std::string ArgParser::get(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::string() : it->second;
}

std::vector<std::string> ArgParser::getList(const std::string& name) const {
    std::vector<std::string> items;
    if (!has(name)) return items;
    std::stringstream joined(get(name));
    for (std::string item; std::getline(joined, item, ',');) items.push_back(item);
    return items;
}

int ArgParser::getInt(const std::string& name, int min, int max) const {
    const std::string text = get(name);
    try {
        size_t used = 0;
        const long value = std::stol(text, &used);
        if (used == text.size() && value >= min && value <= max) return static_cast<int>(value);
    } catch (const std::exception&) {
    }
    throw usageError("--" + name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                     text + "'");
}

double ArgParser::getDouble(const std::string& name, double min, double max) const {
    const std::string text = get(name);
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && value >= min && value <= max) return value;
    } catch (const std::exception&) {
    }
    std::ostringstream msg;
    msg << "--" << name << " must be a number from " << min << " to " << max << ", got '" << text << "'";
    throw usageError(msg.str());
}

std::uint64_t ArgParser::getSeed(const std::string& name) const {
    const std::string text = get(name);
    try {
        size_t used = 0;
        if (!text.empty() && text[0] != '-') {
            const unsigned long long value = std::stoull(text, &used);
            if (used == text.size()) return value;
        }
    } catch (const std::exception&) {
    }
    throw usageError("--" + name + " must be a non-negative whole number, got '" + text + "'");
}

std::string ArgParser::help() const {
    std::ostringstream out;
    out << "Usage: " << command_;
    if (!synopsis_.empty()) out << " " << synopsis_;
    for (const auto& spec : specs_)
        if (spec.required && synopsis_.empty()) out << " --" << spec.name << " " << spec.metavar;
    out << " [options]\n\n" << summary_ << "\n\nOptions:\n";
    for (const auto& spec : specs_) {
        std::string left = "  --" + spec.name + (spec.isFlag ? "" : " " + spec.metavar);
        out << left;
        if (left.size() < 28) out << std::string(28 - left.size(), ' ');
        else out << "\n" << std::string(28, ' ');
        out << spec.help;
        if (spec.required) out << " (required)";
        else if (spec.defaultValue) out << " (default: " << *spec.defaultValue << ")";
        out << "\n";
    }
    out << "  --help                    show this help and exit\n";
    if (!epilog_.empty()) out << "\n" << epilog_ << "\n";
    return out.str();
}

} // namespace pconv::cli
