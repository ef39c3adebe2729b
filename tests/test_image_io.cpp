// Reading images and masks (types kept, EXIF orientation applied, clear errors)
// and atomic writes that never leave a half-written or clobbered file.
#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/pending_temp_files.h"
#include "pconv/train/training_data.h"

#include "test_files.h"

#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <unistd.h>

using namespace pconv;

namespace {



std::string encode(const cv::Mat& image, const std::string& ext) {
    std::vector<unsigned char> bytes;
    cv::imencode(ext, image, bytes);
    return {bytes.begin(), bytes.end()};
}

// A JPEG with an EXIF APP1 segment whose Orientation tag is `orientation`.
std::string jpegWithOrientation(const cv::Mat& image, int orientation) {
    std::string jpeg = encode(image, ".jpg");
    const std::string tiff = std::string("MM\0\x2A\0\0\0\x08", 8) + std::string("\0\x01", 2) +  // big-endian, one IFD entry
                             std::string("\x01\x12\0\x03\0\0\0\x01", 8) + std::string(1, '\0') +
                             std::string(1, static_cast<char>(orientation)) + std::string("\0\0", 2) + std::string(4, '\0');
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const size_t length = payload.size() + 2;
    const std::string app1 = std::string("\xFF\xE1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xFF) + payload;
    return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

std::string le16(unsigned v) { return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF)}; }
std::string le32(unsigned v) { return le16(v & 0xFFFF) + le16(v >> 16); }

std::string segment(char marker, const std::string& payload) {
    const size_t length = payload.size() + 2;
    return std::string("\xFF", 1) + marker + static_cast<char>(length >> 8) + static_cast<char>(length & 0xFF) + payload;
}

const std::string kThumbnail(16, '\xAB');
// An ICC profile in one chunk: a made-up header whose colour space (bytes 16-19) is `space`.
std::string iccSegment(const std::string& space) {
    return segment('\xE2', std::string("ICC_PROFILE\0\x01\x01", 14) + "fake profile hdr" + space + "mntrfake profile bytes");
}
const std::string kIccSegment = iccSegment("RGB ");

// A camera JPEG: little-endian EXIF with Orientation `orientation`, Make "TestCam" and a
// thumbnail in IFD1, then an ICC profile segment. ifd0Offset moves IFD0 (out of bounds = broken EXIF).
std::string cameraJpeg(const cv::Mat& image, int orientation, unsigned ifd0Offset = 8, const std::string& icc = kIccSegment) {
    std::string tiff = std::string("II\x2A\0", 4) + le32(ifd0Offset);
    tiff += le16(2) + le16(0x0112) + le16(3) + le32(1) + le16(static_cast<unsigned>(orientation)) + le16(0);  // IFD0 at 8
    tiff += le16(0x010F) + le16(2) + le32(8) + le32(38);                                                      // Make -> 38
    tiff += le32(46);                                                                                         // IFD1 at 46
    tiff += std::string("TestCam\0", 8);
    tiff += le16(2) + le16(0x0201) + le16(4) + le32(1) + le32(76) + le16(0x0202) + le16(4) + le32(1) + le32(16) + le32(0);
    tiff += kThumbnail;
    const std::string jpeg = encode(image, ".jpg");
    return jpeg.substr(0, 2) + segment('\xE1', std::string("Exif\0\0", 6) + tiff) + icc + jpeg.substr(2);
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

class TestImageIo : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString path(const QString& name) { return dir.filePath(name); }

    void expectReadError(const QString& file, const QString& problem) {
        try {
            readImage(file.toStdString());
            QFAIL("read succeeded");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains(file), e.what());
            QVERIFY2(QString(e.what()).contains(problem, Qt::CaseInsensitive), e.what());
        }
    }

private Q_SLOTS:
    void keepsTypes_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("ext");
        QTest::newRow("gray png") << CV_8UC1 << ".png";
        QTest::newRow("bgr png") << CV_8UC3 << ".png";
        QTest::newRow("bgra png") << CV_8UC4 << ".png";
        QTest::newRow("16-bit png") << CV_16UC3 << ".png";
        QTest::newRow("16-bit rgba png") << CV_16UC4 << ".png";
        QTest::newRow("bgra tiff") << CV_8UC4 << ".tiff";
    }
    void keepsTypes() {
        QFETCH(int, type);
        QFETCH(QString, ext);
        cv::Mat image(37, 23, type);
        cv::randu(image, 0, CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255);
        const QString file = path("img" + ext);
        writeImageAtomic(file.toStdString(), image);
        const cv::Mat read = readImage(file.toStdString());
        QCOMPARE(read.type(), type);
        QCOMPARE(cv::norm(read, image, cv::NORM_INF), 0.0);
    }

    void appliesExifOrientation() {
        cv::Mat image(20, 40, CV_8UC3, cv::Scalar(255, 255, 255));
        image.colRange(0, 8).setTo(cv::Scalar(0, 0, 255));  // red left edge
        writeBytes(path("rotated.jpg"), jpegWithOrientation(image, 6));  // 6 = rotate 90 degrees clockwise
        const cv::Mat read = readImage(path("rotated.jpg").toStdString());
        QCOMPARE(read.cols, 20);
        QCOMPARE(read.rows, 40);
        // After a clockwise turn the red left edge is at the top.
        QVERIFY(read.at<cv::Vec3b>(1, 10)[2] > 200 && read.at<cv::Vec3b>(1, 10)[0] < 60);
        QVERIFY(read.at<cv::Vec3b>(38, 10)[0] > 200);
        // Carried to a result, the (big-endian) EXIF says upright: no second turn.
        writeImageAtomic(path("rotated-result.jpg").toStdString(), read, 95, readPhotoMetadata(path("rotated.jpg").toStdString()));
        QCOMPARE(readImage(path("rotated-result.jpg").toStdString()).size(), read.size());
        QVERIFY(readBytes(path("rotated-result.jpg")).find("Exif") != std::string::npos);
    }

    // A JPEG result keeps the photo's EXIF and colour profile, upright and without the old thumbnail.
    void jpegResultKeepsMetadata() {
        cv::Mat image(20, 40, CV_8UC3, cv::Scalar(255, 255, 255));
        image.colRange(0, 8).setTo(cv::Scalar(0, 0, 255));
        writeBytes(path("camera.jpg"), cameraJpeg(image, 6));
        const Photo camera = readPhoto(path("camera.jpg").toStdString());  // pixels and metadata in one read
        const cv::Mat& upright = camera.image;
        QCOMPARE(upright.rows, 40);
        const PhotoMetadata& metadata = camera.metadata;
        QCOMPARE(metadata.jpegSegments.size(), size_t(2));

        writeImageAtomic(path("result.jpg").toStdString(), upright, 95, metadata);
        const std::string written = readBytes(path("result.jpg"));
        QVERIFY(contains(written, "TestCam"));
        QVERIFY(contains(written, kIccSegment));
        QVERIFY(!contains(written, kThumbnail));
        // Orientation 1: the upright pixels are not turned a second time.
        const cv::Mat reread = readImage(path("result.jpg").toStdString());
        QCOMPARE(reread.rows, 40);
        QCOMPARE(reread.cols, 20);
        QVERIFY(reread.at<cv::Vec3b>(1, 10)[2] > 200 && reread.at<cv::Vec3b>(1, 10)[0] < 60);
        QCOMPARE(readPhotoMetadata(path("result.jpg").toStdString()).jpegSegments.size(), size_t(2));

        // PNG cannot carry these segments: nothing is added.
        writeImageAtomic(path("result.png").toStdString(), upright, 95, metadata);
        QVERIFY(!contains(readBytes(path("result.png")), "TestCam"));
        QVERIFY(readPhotoMetadata(path("result.png").toStdString()).empty());

        // Broken EXIF (IFD0 outside the segment) is left out; the profile still comes along.
        writeBytes(path("broken-exif.jpg"), cameraJpeg(image, 6, 5000));
        const PhotoMetadata partial = readPhotoMetadata(path("broken-exif.jpg").toStdString());
        QCOMPARE(partial.jpegSegments.size(), size_t(1));
        writeImageAtomic(path("result2.jpg").toStdString(), upright, 95, partial);
        QVERIFY(contains(readBytes(path("result2.jpg")), kIccSegment));
        QVERIFY(!contains(readBytes(path("result2.jpg")), "TestCam"));
        QVERIFY_THROWS_EXCEPTION(FileError, readPhotoMetadata(path("missing.jpg").toStdString()));

        // A CMYK profile no longer describes the pixels, decoded to RGB: it is left out (viewers
        // would show a colour negative), the EXIF still comes along.
        writeBytes(path("cmyk-profile.jpg"), cameraJpeg(image, 1, 8, iccSegment("CMYK")));
        const PhotoMetadata cmyk = readPhotoMetadata(path("cmyk-profile.jpg").toStdString());
        QCOMPARE(cmyk.jpegSegments.size(), size_t(1));
        writeImageAtomic(path("result3.jpg").toStdString(), image, 95, cmyk);
        QVERIFY(contains(readBytes(path("result3.jpg")), "TestCam"));
        QVERIFY(!contains(readBytes(path("result3.jpg")), "ICC_PROFILE"));
    }

    void errors() {
        expectReadError(path("missing.png"), "no such file");
        writeBytes(path("empty.png"), "");
        expectReadError(path("empty.png"), "empty");
        writeBytes(path("garbage.png"), std::string(3000, 'g'));
        expectReadError(path("garbage.png"), "not an image file");
        const std::string png = encode(cv::Mat(50, 50, CV_8UC3, cv::Scalar(1, 2, 3)), ".png");
        writeBytes(path("truncated.png"), png.substr(0, png.size() / 3));
        expectReadError(path("truncated.png"), "truncated PNG");
        expectReadError(dir.path(), "directory");
    }

    // Damage inside a JPEG's compressed data: OpenCV decodes it with grey or smeared parts
    // and only libjpeg's warning on stderr, so it must be refused by name.
    void damagedJpegData() {
        cv::Mat noise(120, 160, CV_8UC3);
        cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
        const std::string jpeg = encode(noise, ".jpg");
        writeBytes(path("intact.jpg"), jpeg);
        QCOMPARE(readImage(path("intact.jpg").toStdString()).size(), noise.size());
        // Cut short, with an end marker put back (the cut alone is "truncated", above).
        writeBytes(path("cut.jpg"), jpeg.substr(0, jpeg.size() / 2) + "\xFF\xD9");
        expectReadError(path("cut.jpg"), "damaged JPEG data");
        // Bytes zeroed in the middle of the scan.
        std::string zeroed = jpeg;
        std::fill(zeroed.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2), zeroed.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2 + 16), '\0');
        writeBytes(path("zeroed.jpg"), zeroed);
        expectReadError(path("zeroed.jpg"), "damaged JPEG data");
        // One stray byte before the end marker, common in cameras' files, is no damage.
        writeBytes(path("stray.jpg"), jpeg.substr(0, jpeg.size() - 2) + std::string("\0\xFF\xD9", 3));
        QCOMPARE(readImage(path("stray.jpg").toStdString()).size(), noise.size());
    }

    void pixelLimit() {
        writeImageAtomic(path("big.png").toStdString(), cv::Mat(100, 100, CV_8UC1, cv::Scalar(0)));
        try {
            readImage(path("big.png").toStdString(), 5000);
            QFAIL("limit not applied");
        } catch (const FileError& e) {
            QVERIFY(QString(e.what()).contains("above the limit"));
        }
        // The limit from the environment: a number raises or lowers it, anything else is refused by name.
        qputenv("PCONV_MAX_IMAGE_PIXELS", "5000");
        QCOMPARE(maxImagePixels(), std::int64_t(5000));
        for (const char* wrong : {"abc", "12k", "-3", "0"}) {
            qputenv("PCONV_MAX_IMAGE_PIXELS", wrong);
            try {
                maxImagePixels();
                QFAIL(wrong);
            } catch (const InvalidArgument& e) {
                QVERIFY2(QString(e.what()).contains("PCONV_MAX_IMAGE_PIXELS is '" + QString(wrong) + "'"), e.what());
            }
        }
        qunsetenv("PCONV_MAX_IMAGE_PIXELS");
        QCOMPARE(maxImagePixels(), kDefaultMaxImagePixels);
    }

    // A PNG whose header claims 100000x100000: refused from the header, with no attempt to decode.
    void hugeHeaderRefusedUpFront() {
        std::string png = encode(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(7)), ".png");
        auto put32 = [&](size_t at, std::uint32_t v) {
            for (int k = 0; k < 4; ++k) png[at + k] = static_cast<char>((v >> (24 - 8 * k)) & 0xFF);
        };
        put32(16, 100000);
        put32(20, 100000);
        writeBytes(path("huge.png"), png);
        expectReadError(path("huge.png"), "100000x100000 pixels, above the limit");
        // JPEG: the size comes from the start-of-frame segment.
        writeImageAtomic(path("small.jpg").toStdString(), cv::Mat(30, 40, CV_8UC3, cv::Scalar::all(9)));
        try {
            readImage(path("small.jpg").toStdString(), 1000);
            QFAIL("limit not applied");
        } catch (const FileError& e) {
            QVERIFY2(QString(e.what()).contains("40x30 pixels"), e.what());
        }
        // BMP, WebP (lossy and lossless) and TIFF headers too: the message that names the
        // variable comes from the header check, before decoding.
        const std::vector<std::pair<const char*, std::vector<int>>> formats = {
            {"bmp", {}}, {"webp", {cv::IMWRITE_WEBP_QUALITY, 80}}, {"webp", {cv::IMWRITE_WEBP_QUALITY, 101}}, {"tif", {}}};
        for (const auto& [extension, params] : formats) {
            std::vector<unsigned char> bytes;
            QVERIFY(cv::imencode(std::string(".") + extension, cv::Mat(30, 40, CV_8UC3, cv::Scalar::all(9)), bytes, params));
            const QString file = path(QString("header.%1").arg(extension));
            writeBytes(file, std::string(bytes.begin(), bytes.end()));
            try {
                readImage(file.toStdString(), 1000);
                QFAIL("limit not applied");
            } catch (const FileError& e) {
                QVERIFY2(QString(e.what()).contains("40x30 pixels") && QString(e.what()).contains("PCONV_MAX_IMAGE_PIXELS"), e.what());
            }
            QCOMPARE(readImage(file.toStdString()).cols, 40);  // and below the limit it reads
        }
        qputenv("PCONV_MAX_IMAGE_PIXELS", "100");
        QCOMPARE(maxImagePixels(), 100);
        qunsetenv("PCONV_MAX_IMAGE_PIXELS");
        QCOMPARE(maxImagePixels(), kDefaultMaxImagePixels);
    }

    void masksNonZeroIsHole() {
        cv::Mat grey(4, 4, CV_8UC1, cv::Scalar(0));
        grey.at<uchar>(0, 0) = 1;
        grey.at<uchar>(1, 1) = 128;
        grey.at<uchar>(2, 2) = 255;
        writeImageAtomic(path("grey.png").toStdString(), grey);
        const cv::Mat holes = readMask(path("grey.png").toStdString());
        QCOMPARE(holes.type(), CV_8UC1);
        QCOMPARE(cv::countNonZero(holes), 3);
        QCOMPARE(int(holes.at<uchar>(1, 1)), 255);

        cv::Mat rgba(4, 4, CV_8UC4, cv::Scalar(0, 0, 0, 0));
        rgba.at<cv::Vec4b>(0, 0) = {255, 255, 255, 255};  // opaque white: hole
        rgba.at<cv::Vec4b>(1, 1) = {255, 255, 255, 0};    // transparent: not a hole
        rgba.at<cv::Vec4b>(2, 2) = {0, 0, 0, 255};        // opaque black: not a hole
        writeImageAtomic(path("rgba.png").toStdString(), rgba);
        QCOMPARE(cv::countNonZero(readMask(path("rgba.png").toStdString())), 1);

        // Black strokes on a transparent layer: the opaque pixels are the holes.
        cv::Mat layer(4, 4, CV_8UC4, cv::Scalar(0, 0, 0, 0));
        layer.at<cv::Vec4b>(1, 2) = {0, 0, 0, 255};
        layer.at<cv::Vec4b>(3, 0) = {0, 0, 0, 40};
        writeImageAtomic(path("layer.png").toStdString(), layer);
        const cv::Mat layerHoles = readMask(path("layer.png").toStdString());
        QCOMPARE(cv::countNonZero(layerHoles), 2);
        QCOMPARE(int(layerHoles.at<uchar>(1, 2)), 255);
        // All opaque black is no hole at all, not all hole.
        writeImageAtomic(path("opaque.png").toStdString(), cv::Mat(4, 4, CV_8UC4, cv::Scalar(0, 0, 0, 255)));
        QCOMPARE(cv::countNonZero(readMask(path("opaque.png").toStdString())), 0);

        cv::Mat deep(4, 4, CV_16UC1, cv::Scalar(0));
        deep.at<ushort>(3, 3) = 1;  // a 16-bit 1 is still a hole
        writeImageAtomic(path("deep.png").toStdString(), deep);
        QCOMPARE(cv::countNonZero(readMask(path("deep.png").toStdString())), 1);
    }

    void atomicWriteReplacesAndLeavesNoTemp() {
        const QString file = path("out.png");
        writeImageAtomic(file.toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 1, 1)));
        writeImageAtomic(file.toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(9, 9, 9)));
        QCOMPARE(readImage(file.toStdString()).at<cv::Vec3b>(0, 0)[0], uchar(9));
        const QStringList temps = QDir(dir.path()).entryList(QStringList() << "*.tmp*", QDir::Files | QDir::Hidden);
        QVERIFY2(temps.isEmpty(), qPrintable(temps.join(",")));
    }

    void pendingTempFilesAreRemovedOnRequest() {
        // What the SIGINT/SIGTERM handler does: remembered temp files go, forgotten ones (renamed into place) stay.
        writeBytes(path(".pending.tmp1"), "half written");
        writeBytes(path(".done.tmp2"), "renamed already");
        const int pending = rememberTempFile(path(".pending.tmp1").toStdString());
        const int done = rememberTempFile(path(".done.tmp2").toStdString());
        QVERIFY(pending >= 0 && done >= 0 && pending != done);
        forgetTempFile(done);
        removePendingTempFiles();
        QVERIFY(!QFile::exists(path(".pending.tmp1")));
        QVERIFY(QFile::exists(path(".done.tmp2")));
        forgetTempFile(pending);
        QFile::remove(path(".done.tmp2"));
    }

    void failedWriteKeepsExistingFile() {
        const QString file = path("keep.png");
        writeImageAtomic(file.toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(5, 5, 5)));
        const std::string before = readBytes(file);
        // Unknown extension: encoding fails before anything touches the file.
        const QString bad = path("keep.png.unknownformat");
        QVERIFY_THROWS_EXCEPTION(FileError, writeImageAtomic(bad.toStdString(), cv::Mat(8, 8, CV_8UC3)));
        QVERIFY_THROWS_EXCEPTION(FileError, writeImageAtomic(path("no/such/dir/x.png").toStdString(), cv::Mat(8, 8, CV_8UC3)));
        QVERIFY_THROWS_EXCEPTION(FileError, writeImageAtomic(file.toStdString(), cv::Mat()));
        QCOMPARE(readBytes(file), before);
    }

    // OpenCV writes JPEG 2000 lossy, OpenEXR from floats only and .pgm grey only: a result
    // in such a format would lose or fail, so none is written.
    void lossyOrPartialFormatsAreNotWritten() {
        for (const char* name : {"r.jp2", "r.exr", "r.hdr", "r.pgm"}) {
            QVERIFY(hasImageExtension(name) && !isWritableImageFormat(name));
            QVERIFY_THROWS_EXCEPTION(FileError, writeImageAtomic(path(name).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3))));
            QVERIFY(!QFile::exists(path(name)));
        }
        for (const char* name : {"r.png", "r.JPG", "r.jpeg", "r.webp", "r.bmp", "r.tif", "r.tiff"}) QVERIFY(isWritableImageFormat(name));
    }

    void unwritableFolder() {
        if (geteuid() == 0) QSKIP("root ignores folder permissions");
        QDir().mkpath(path("ro"));
        QFile::setPermissions(path("ro"), QFile::ReadOwner | QFile::ExeOwner);
        QVERIFY_THROWS_EXCEPTION(FileError, writeImageAtomic(path("ro/x.png").toStdString(), cv::Mat(8, 8, CV_8UC3)));
    }

    void sixteenBitToJpegIsScaled() {
        cv::Mat deep(8, 8, CV_16UC3, cv::Scalar(65535, 0, 32896));
        writeImageAtomic(path("deep.jpg").toStdString(), deep, 100);
        const cv::Mat read = readImage(path("deep.jpg").toStdString());
        QCOMPARE(read.depth(), CV_8U);
        QVERIFY(read.at<cv::Vec3b>(4, 4)[0] > 250);
    }

    // What a format would drop is named, and only then: each loss is written back and checked.
    void formatLossesMatchWhatIsWritten() {
        const cv::Mat deepAlpha(8, 8, CV_16UC4, cv::Scalar(65535, 0, 32896, 1000));
        for (const char* name : {"a.png", "a.tif", "a.jpg", "a.webp", "a.bmp"}) {
            writeImageAtomic(path(name).toStdString(), deepAlpha, 100);
            const cv::Mat back = readImage(path(name).toStdString());
            const auto losses = formatLosses(deepAlpha, name);
            const bool namesDepth = std::any_of(losses.begin(), losses.end(), [](const std::string& l) { return l.find("16-bit") != std::string::npos; });
            const bool namesAlpha = std::any_of(losses.begin(), losses.end(), [](const std::string& l) { return l.find("alpha") != std::string::npos; });
            QVERIFY2(namesDepth == (back.depth() != CV_16U), name);
            QVERIFY2(namesAlpha == (back.channels() != 4), name);
        }
        QVERIFY(formatLosses(cv::Mat(8, 8, CV_8UC3), "a.jpg").empty());
        QVERIFY(takesQuality("photo.JPG") && takesQuality("x.webp") && !takesQuality("x.png"));
    }

    // Folder runs take the images in a folder, not hidden files with an image's extension
    // (macOS's "._photo.jpg" resource forks, copied along) nor what hidden folders hold.
    void foldersListTheirImagesNotHiddenFiles() {
        QDir().mkpath(path("listed/sub"));
        QDir().mkpath(path("listed/.thumbnails"));
        for (const char* name : {"listed/b.png", "listed/a.jpg", "listed/sub/c.png", "listed/.thumbnails/d.png", "listed/._a.jpg", "listed/notes.txt"})
            QVERIFY(QFile(path(name)).open(QIODevice::WriteOnly));
        const auto flat = imageFilesIn(path("listed").toStdString());
        QCOMPARE(flat, (std::vector<std::string>{path("listed/a.jpg").toStdString(), path("listed/b.png").toStdString()}));
        const auto deep = listImagesRecursive(path("listed").toStdString());
        QCOMPARE(deep, (std::vector<std::string>{path("listed/a.jpg").toStdString(), path("listed/b.png").toStdString(),
                                                 path("listed/sub/c.png").toStdString()}));
        QVERIFY(isHiddenFile("/photos/._a.jpg") && !isHiddenFile("/.config/a.jpg") && !isHiddenFile("a.jpg"));
    }
};

QTEST_GUILESS_MAIN(TestImageIo)
#include "test_image_io.moc"
