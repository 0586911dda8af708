package fileserver

// altSpelling is rel in the other Unicode form to try when rel is not
// found. Browsers and keyboards send names composed (NFC, "é" as one code
// point) while HFS+ stores them decomposed (NFD) and APFS keeps the form
// a file was created with, so a name typed on a phone would miss a file
// copied from an old Mac.
func altSpelling(rel string) (string, bool) { return otherForm(rel) }
