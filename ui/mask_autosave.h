#pragma once
// Crash safety for the mask being painted: each window writes it, with its photo's
// path, into a slot folder of its own under the application's data folder, locked
// while the window lives. A later start looks for slots whose window is gone (lock
// free, or left by a process that died) and offers their mask back. So a second
// window neither takes the first one's mask for a crash's nor deletes it.
#include <QString>
#include <opencv2/core.hpp>

#include <memory>
#include <optional>

class QLockFile;

namespace pconv::ui {

class MaskAutosave {
public:
    MaskAutosave();
    ~MaskAutosave();  // releases the slot; removed when nothing is saved in it
    MaskAutosave(const MaskAutosave&) = delete;
    MaskAutosave& operator=(const MaskAutosave&) = delete;

    static QString rootFolder();
    // Writes holes (CV_8UC1, non-zero = hole) and the photo's path, each atomically.
    // Returns false when it could not (a safety net: the caller carries on).
    bool save(const cv::Mat& holes, const QString& photoPath);
    void clear();             // removes what this window saved
    QString maskPath() const;  // this window's saved mask ("" before the first save)

    // A mask saved by a window that is gone, newest first; none when there is none.
    struct Orphan {
        QString folder, maskPath, photoPath;
        bool legacy = false;  // saved by an older version straight into rootFolder()
    };
    // forPhoto: only a mask painted on that photo (the path as saved, or the same file).
    std::optional<Orphan> findOrphan(const QString& forPhoto = {}) const;
    static void discard(const Orphan& orphan);

private:
    QString slot_;  // "" until the first save
    std::unique_ptr<QLockFile> lock_;
};

} // namespace pconv::ui
