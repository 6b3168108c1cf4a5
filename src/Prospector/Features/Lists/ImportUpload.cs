using Microsoft.Extensions.Localization;
using Prospector.Features.Common;

namespace Prospector.Features.Lists;

/// <summary>
/// An uploaded file saved to a temporary file for the import engine (which reads a file twice: preview, then import),
/// deleted on dispose. One path for the API's multipart upload and the wizard's file picker, with the same checks: a file
/// that is empty or larger than the upload limit is refused before anything is written.
/// </summary>
public sealed class ImportUpload : IDisposable
{
    public string Path { get; }
    public string FileName { get; }

    private ImportUpload(string path, string fileName) => (Path, FileName) = (path, fileName);

    public static async Task<Outcome<ImportUpload>> SaveAsync(Func<Stream> open, string fileName, long length, long maxBytes,
        IStringLocalizer l, CancellationToken ct)
    {
        if (length <= 0) return Outcome<ImportUpload>.Invalid("file", l["The file is empty."]);
        if (length > maxBytes) return Outcome<ImportUpload>.Invalid("file", TooLarge(l, maxBytes));
        var path = System.IO.Path.GetTempFileName();
        try
        {
            await using (var target = File.Create(path))
            await using (var source = open())
                await source.CopyToAsync(target, ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return new ImportUpload(path, fileName);
    }

    public static string TooLarge(IStringLocalizer l, long maxBytes) => l["The file is larger than the upload limit of {0} MB.", maxBytes / 1024 / 1024];

    public void Dispose() => File.Delete(Path);
}
