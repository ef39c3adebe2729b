#pragma once
// A file name typed without an extension in a save dialog gets the one of the file type
// chosen there ("photo" with "JPEG (*.jpg *.jpeg)" selected is saved as "photo.jpg"), as
// native dialogs do; the image writer picks the format by extension.
#include <QString>

namespace pconv::ui {

// path unchanged when it has an extension, is empty, or the filter names none.
QString withFilterSuffix(const QString& path, const QString& selectedFilter);

} // namespace pconv::ui
