#include "jpeg_damage.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <jpeglib.h>
#include <jerror.h>

namespace pconv {

namespace {

struct DamageReport {
    jpeg_error_mgr base;  // first: libjpeg hands back a pointer to it
    std::jmp_buf fatal;
    char first[JMSG_LENGTH_MAX] = {0};
};

void recordFirst(j_common_ptr cinfo) {
    auto* report = reinterpret_cast<DamageReport*>(cinfo->err);
    if (report->first[0] == 0) (*cinfo->err->format_message)(cinfo, report->first);
}

[[noreturn]] void onFatal(j_common_ptr cinfo) {
    recordFirst(cinfo);
    std::longjmp(reinterpret_cast<DamageReport*>(cinfo->err)->fatal, 1);
}

// Warnings that mean lost or garbled image data. Others (an unknown JFIF revision, an
// odd Adobe marker) leave the pixels intact. A byte or two of junk before the end marker
// is common in cameras' files and harmless; a run of them is damage.
bool meansDamage(j_common_ptr cinfo) {
    switch (cinfo->err->msg_code) {
        case JWRN_EXTRANEOUS_DATA: return cinfo->err->msg_parm.i[0] >= 8;
        case JWRN_HIT_MARKER:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_JPEG_EOF:
        case JWRN_MUST_RESYNC:
        case JWRN_NOT_SEQUENTIAL:
        case JWRN_ARITH_BAD_CODE: return true;
        default: return false;
    }
}

void onMessage(j_common_ptr cinfo, int level) {
    if (level < 0 && meansDamage(cinfo)) recordFirst(cinfo);  // level -1: a warning; >= 0: trace output
}

} // namespace

std::string jpegDamage(const std::vector<unsigned char>& bytes) {
    DamageReport report;
    jpeg_decompress_struct cinfo;
    cinfo.err = jpeg_std_error(&report.base);
    report.base.error_exit = onFatal;
    report.base.emit_message = onMessage;
    report.base.output_message = [](j_common_ptr) {};  // nothing on stderr
    if (setjmp(report.fatal) == 0) {
        jpeg_create_decompress(&cinfo);
        jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
        jpeg_read_header(&cinfo, TRUE);
        // Entropy decoding alone: every coefficient is read, no pixel is computed.
        jpeg_read_coefficients(&cinfo);
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return report.first;
}

} // namespace pconv
