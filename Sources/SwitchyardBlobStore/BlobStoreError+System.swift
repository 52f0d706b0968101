// Turning a failed file-system call's errno into a BlobStoreError: refused or io.

import Foundation

extension BlobStoreError {
    /// The error for a file-system call that failed with `number` while doing `action`:
    /// permissions, a read-only file system, a symbolic link, or a name that is a blob where
    /// a folder is needed (or the other way round) are ``Code/refused``; the rest (disk full,
    /// I/O errors, too many open files) ``Code/io``.
    static func system(_ number: Int32, _ action: String, key: BlobKey?) -> BlobStoreError {
        let reason = String(cString: strerror(number))
        let subject = key.map { " for key \($0)" } ?? ""
        let (code, hint): (Code, String) =
            switch number {
            case EACCES, EPERM, EROFS:
                (.refused, "")
            case ENOTDIR, EISDIR, EEXIST:
                (.refused, " (a key can't name a blob and a folder of other keys at once)")
            case ELOOP:
                (.refused, " (the store never follows a symbolic link to a blob)")
            case ENAMETOOLONG:
                (.refused, " (the file system refuses a name this long)")
            default:
                (.io, "")
            }
        return BlobStoreError(code, "\(action)\(subject): \(reason)\(hint)", systemError: number)
    }
}
