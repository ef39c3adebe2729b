// Any bytes as a training checkpoint: reading it must succeed or throw pconv::Error.
#include "fuzz_input_file.h"

#include "pconv/errors.h"
#include "pconv/train/trainer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = writeFuzzFile(data, size, ".pt");
    try {
        pconv::readCheckpointSummary(path);
    } catch (const pconv::Error&) {
    }
    return 0;
}
