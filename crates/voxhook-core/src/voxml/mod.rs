//! VoxML answer documents: typed builders and the JSON (TryVox) and XML (Voxtelesys, Vobiz) renderers.
