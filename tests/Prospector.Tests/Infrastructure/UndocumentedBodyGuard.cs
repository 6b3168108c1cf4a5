using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Prospector.Tests.Infrastructure;

/// <summary>
/// Every HTTP test doubles as a check of the OpenAPI document and of ADR 0008: an <c>/api/v1</c> endpoint that reads a
/// request body without declaring it fails the test that sends it one, with a message naming the endpoint (a generated
/// client would not know that body exists), and so does one that reads a JSON body any other way than through
/// <c>Body&lt;T&gt;</c> (the one reader: content type, duplicates, unknown fields, field-named errors).
/// </summary>
internal sealed class UndocumentedBodyGuard : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/v1")) context.Request.Body = new GuardedBody(context.Request.Body, context);
            await nextMiddleware(context);
        });
        next(app);
    };

    private sealed class GuardedBody(Stream inner, HttpContext context) : Stream
    {
        private void Check()
        {
            if (context.GetEndpoint() is not { } endpoint) return;
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is not { } accepts)
                throw new InvalidOperationException(
                    $"{endpoint.DisplayName} reads a request body that /openapi/v1.json does not document: take it as Body<T>.");
            var isForm = accepts.ContentTypes.All(t => t.StartsWith("multipart/", StringComparison.Ordinal));
            if (!isForm && endpoint.Metadata.GetMetadata<Prospector.Features.Common.ReadsBody>() is null)
                throw new InvalidOperationException(
                    $"{endpoint.DisplayName} reads a JSON body without Body<T> (ADR 0008: one way to read bodies).");
        }

        public override int Read(byte[] buffer, int offset, int count) { Check(); return inner.Read(buffer, offset, count); }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadAsync(buffer, cancellationToken);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check();
            return inner.ReadAsync(buffer, offset, count, cancellationToken);
        }
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
