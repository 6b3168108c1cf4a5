using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http;

/// <summary>Uploads for the list tests: multipart bodies as a browser or a script sends them.</summary>
public static class ListSteps
{
    public const string GermanCsv =
        "Messe Hannover 2025 – Besucherliste;;;;;\r\n" +
        "Vorname;Nachname;Firma;E-Mail;Telefon;Ort\r\n" +
        "Jürgen;Müller;Müller Anlagenbau GmbH;j.mueller@mueller-anlagen.example;0511 1234567;Hannover\r\n" +
        "Anna;Schäfer;\"Schäfer; Söhne KG\";anna@schaefer.example;+49 30 1234567;Berlin\r\n" +
        "Peter;Groß;Groß AG;kein-mail;12;Köln\r\n" +
        "Jürgen;Müller;Müller Anlagenbau;J.Mueller@Mueller-Anlagen.example;;Hannover\r\n";

    public static byte[] Windows1252(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252).GetBytes(text);
    }

    public static MultipartFormDataContent Form(byte[] file, string fileName, params (string Key, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", fileName);
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        return form;
    }

    /// <summary>Imports a file into a new list and returns the summary (importId, listId, counts).</summary>
    public static async Task<JsonElement> ImportAsync(HttpClient client, string list, byte[]? file = null, params (string Key, string Value)[] fields)
    {
        var res = await client.PostAsync("/api/v1/imports", Form(file ?? Windows1252(GermanCsv), "messe.csv", [("list", list), ("country", "DE"), .. fields]));
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"import: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return await res.ReadJsonAsync();
    }
}
