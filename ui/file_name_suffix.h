#pragma once
// A file name typed without an extension in a save dialog gets the one of the file type
// chosen there ("photo" with "JPEG (*.jpg *.jpeg)" selected is saved as "photo.jpg"), as
// native dialogs do; the image writer picks the format by extension. So does a name whose
// extension is no image format the writer knows ("holiday.v2" -> "holiday.v2.jpg").
#include <QString>

namespace pconv::ui {

// path unchanged when it ends in a writable image extension (even of another type than the
// filter's: the user typed it), is empty, or the filter names none.
QString withFilterSuffix(const QString& path, const QString& selectedFilter);

} // namespace pconv::ui
