#include "mask_autosave.h"

#include "pconv/image_io.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QUuid>

#include <vector>

namespace pconv::ui {
namespace {

const char kLockName[] = "owner.lock";
const char kMaskName[] = "mask.png";
const char kPhotoName[] = "photo.txt";

std::unique_ptr<QLockFile> lockSlot(const QString& folder) {
    auto lock = std::make_unique<QLockFile>(QDir(folder).filePath(kLockName));
    lock->setStaleLockTime(0);  // stale only when its process is gone, however long a window stays open
    if (!lock->tryLock(0)) return nullptr;
    return lock;
}

// The photo a folder's saved mask was painted on, when the folder holds both files.
std::optional<QString> savedPhoto(const QDir& dir) {
    QFile photo(dir.filePath(kPhotoName));
    if (!QFile::exists(dir.filePath(kMaskName)) || !photo.open(QIODevice::ReadOnly)) return std::nullopt;
    return QString::fromUtf8(photo.readAll()).trimmed();
}

void removeSaved(const QDir& dir) {
    QFile::remove(dir.filePath(kMaskName));
    QFile::remove(dir.filePath(kPhotoName));
}

} // namespace

MaskAutosave::MaskAutosave() = default;

MaskAutosave::~MaskAutosave() {
    if (slot_.isEmpty()) return;
    const bool empty = !QFile::exists(QDir(slot_).filePath(kMaskName));
    lock_.reset();
    if (empty) QDir(slot_).removeRecursively();
}

QString MaskAutosave::rootFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath("autosave");
}

bool MaskAutosave::save(const cv::Mat& holes, const QString& photoPath) {
    if (slot_.isEmpty()) {
        const QString slot = QDir(rootFolder()).filePath("window-" + QUuid::createUuid().toString(QUuid::WithoutBraces));
        if (!QDir().mkpath(slot)) return false;
        lock_ = lockSlot(slot);
        if (!lock_) return false;
        slot_ = slot;
    }
    try {
        const QDir dir(slot_);
        writeImageAtomic(dir.filePath(kMaskName).toStdString(), holes);
        const QByteArray photo = photoPath.toUtf8();
        writeFileAtomic(dir.filePath(kPhotoName).toStdString(), std::vector<unsigned char>(photo.begin(), photo.end()));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void MaskAutosave::clear() {
    if (!slot_.isEmpty()) removeSaved(QDir(slot_));
}

QString MaskAutosave::maskPath() const { return slot_.isEmpty() ? QString() : QDir(slot_).filePath(kMaskName); }

std::optional<MaskAutosave::Orphan> MaskAutosave::findOrphan(const QString& forPhoto) const {
    auto wanted = [&](const QString& photo) {
        return forPhoto.isEmpty() || QFileInfo(photo).canonicalFilePath() == QFileInfo(forPhoto).canonicalFilePath();
    };
    // Versions before the slots saved straight into the root folder.
    const QDir root(rootFolder());
    if (const auto photo = savedPhoto(root); photo && wanted(*photo)) return Orphan{root.absolutePath(), root.filePath(kMaskName), *photo, true};
    const auto folders = root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
    for (const QFileInfo& slot : folders) {
        const QString folder = slot.absoluteFilePath();
        if (folder == QFileInfo(slot_).absoluteFilePath() && !slot_.isEmpty()) continue;
        const auto lock = lockSlot(folder);
        if (!lock) continue;  // a window that is still open
        QDir dir(folder);
        const auto photo = savedPhoto(dir);
        if (!photo) {
            lock->unlock();
            dir.removeRecursively();  // left empty by a window that is gone
            continue;
        }
        if (wanted(*photo)) return Orphan{folder, dir.filePath(kMaskName), *photo, false};
    }
    return std::nullopt;
}

void MaskAutosave::discard(const Orphan& orphan) {
    if (!orphan.legacy) {
        QDir(orphan.folder).removeRecursively();
        return;
    }
    removeSaved(QDir(orphan.folder));  // the root holds the slots too: only its own two files
}

} // namespace pconv::ui
