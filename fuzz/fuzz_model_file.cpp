// Any bytes as a model file: PConvModel::load must either load or throw pconv::Error.
#include "fuzz_input_file.h"

#include "pconv/errors.h"
#include "pconv/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = writeFuzzFile(data, size, ".pconv");
    try {
        pconv::PConvModel::load(path);
    } catch (const pconv::Error&) {
    }
    return 0;
}
