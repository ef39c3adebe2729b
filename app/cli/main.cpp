// `pconv`: inpainting, mask generation and model tools on the command line.
#include "arg_parser.h"
#include "commands.h"

#include "pconv/errors.h"
#include "pconv/pending_temp_files.h"

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <map>

namespace {

const char* kUsage =
    "Usage: pconv <command> [options]\n"
    "\n"
    "Partial-convolution inpainting (Liu et al., ECCV 2018) and OpenCV's Telea and\n"
    "Navier-Stokes methods. Masks: any non-zero pixel is a hole.\n"
    "\n"
    "Commands:\n"
    "  inpaint      fill the holes of an image (or a folder of images)\n"
    "  masks        generate random irregular hole masks and masked training samples\n"
    "  init-model   write a freshly initialised PConv model file\n"
    "  info         describe a model file or a training checkpoint\n"
    "  average      average the weights of several models (snapshots of one run)\n"
    "  compact      store a model's weights (or a checkpoint's Adam moments) in 16 bits\n"
    "  train        train or fine-tune a model on a folder of photos\n"
    "  eval         compare methods by hole-ratio bucket (L1, PSNR, SSIM)\n"
    "  bench        time the PConv U-Net against a plain-conv U-Net of the same shape\n"
    "  convert      models to and from PyTorch (state_dict export, PyTorch-port import)\n"
    "\n"
    "Run 'pconv <command> --help' for a command's options.\n";

} // namespace

int main(int argc, char** argv) {
    using namespace pconv::cli;
    const std::map<std::string, std::function<int(const Args&)>> commands = {
        {"inpaint", runInpaint}, {"masks", runMasks}, {"init-model", runInitModel}, {"info", runInfo}, {"average", runAverage}, {"compact", runCompact}, {"train", runTrain}, {"eval", runEval}, {"bench", runBench}, {"convert", runConvert}};

    pconv::removeTempFilesOnTermination();  // Ctrl+C or kill leaves no half-written .tmp files
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    std::string command = argv[1];
    Args args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || (command == "help" && args.empty())) {
        std::cout << kUsage;
        return 0;
    }
    if (command == "--version") {
        std::cout << "pconv " PCONV_VERSION "\n";
        return 0;
    }
    if (command == "help" && !args.empty()) {
        command = args[0];
        args = {"--help"};
    }
    const auto it = commands.find(command);
    if (it == commands.end()) {
        std::cerr << "pconv: unknown command '" << command << "' (see 'pconv --help')\n";
        return 2;
    }
    try {
        return it->second(args);
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const pconv::Error& e) {
        std::cerr << "pconv " << command << ": " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "pconv " << command << ": unexpected error: " << pconv::firstLine(e.what()) << "\n";
        return 1;
    }
}
