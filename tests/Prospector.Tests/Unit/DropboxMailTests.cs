using MimeKit;
using Prospector.Features.Dropbox;

namespace Prospector.Tests.Unit;

/// <summary>
/// How the dropbox reads a message: the forward blocks real e-mail programs write (Gmail, Outlook, Apple Mail, Thunderbird in
/// English, German and Dutch), the delivery headers that carry the secret address, Authentication-Results, and long bodies.
/// </summary>
public sealed class DropboxMailTests
{
    private static readonly DateTime Fetched = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_gmail_forward_names_the_original_sender_recipients_date_and_subject()
    {
        var f = ForwardedMail.Parse("""
            Kannst du das übernehmen?

            ---------- Forwarded message ---------
            From: Anna Berg <anna.berg@kunde.example>
            Date: Mon, Nov 30, 2026 at 9:15 AM
            Subject: Re: Angebot 2027
            To: Rep Nord <rep.nord@company.example>
            Cc: Jan de Vries <jan@kunde.example>, "Einkauf" <einkauf@kunde.example>


            Guten Tag, wir haben noch Fragen.
            """);
        Assert.NotNull(f);
        Assert.Equal("anna.berg@kunde.example", f.From);
        Assert.Equal("Anna Berg", f.FromName);
        Assert.Equal(["rep.nord@company.example", "jan@kunde.example", "einkauf@kunde.example"], f.Recipients);
        Assert.Equal(new DateTime(2026, 11, 30, 9, 15, 0), f.SentAt);
        Assert.Equal("Re: Angebot 2027", f.Subject);
    }

    [Fact]
    public void An_outlook_forward_in_english_with_mailto_brackets_and_a_wrapped_to_line()
    {
        var f = ForwardedMail.Parse("""
            Please log this.

            -----Original Message-----
            From: Berg, Anna [mailto:anna.berg@kunde.example]
            Sent: Monday, November 30, 2026 9:15 AM
            To: Rep Nord <rep.nord@company.example>; Jan de Vries
            <jan@kunde.example>
            Subject: Pricing question

            What do you charge for 50 seats?
            """);
        Assert.NotNull(f);
        Assert.Equal("anna.berg@kunde.example", f.From);
        Assert.Equal("Berg, Anna", f.FromName);
        Assert.Equal(["rep.nord@company.example", "jan@kunde.example"], f.Recipients);
        Assert.Equal(new DateTime(2026, 11, 30, 9, 15, 0), f.SentAt);
        Assert.Equal("Pricing question", f.Subject);
    }

    [Fact]
    public void A_german_outlook_forward_with_von_gesendet_an_betreff()
    {
        var f = ForwardedMail.Parse("""
            Zur Info

            -----Ursprüngliche Nachricht-----
            Von: Müller, Peter <p.mueller@maschinenbau.example>
            Gesendet: Montag, 30. November 2026 09:15
            An: Vertrieb Süd <rep.sued@company.example>
            Cc: Einkauf <einkauf@maschinenbau.example>
            Betreff: Rückruf erbeten

            Bitte rufen Sie mich zurück.
            """);
        Assert.NotNull(f);
        Assert.Equal("p.mueller@maschinenbau.example", f.From);
        Assert.Equal("Müller, Peter", f.FromName);
        Assert.Equal(["rep.sued@company.example", "einkauf@maschinenbau.example"], f.Recipients);
        Assert.Equal(new DateTime(2026, 11, 30, 9, 15, 0), f.SentAt);
        Assert.Equal("Rückruf erbeten", f.Subject);
    }

    [Fact]
    public void Dutch_forwards_from_outlook_and_thunderbird_with_van_aan_onderwerp()
    {
        var outlook = ForwardedMail.Parse("""
            -----Oorspronkelijk bericht-----
            Van: Jan de Vries <jan@klant.example>
            Verzonden: maandag 30 november 2026 09:15
            Aan: Verkoop <verkoop@company.example>
            Onderwerp: Offerte aanvraag

            Graag een offerte.
            """);
        Assert.NotNull(outlook);
        Assert.Equal("jan@klant.example", outlook.From);
        Assert.Equal(["verkoop@company.example"], outlook.Recipients);
        Assert.Equal(new DateTime(2026, 11, 30, 9, 15, 0), outlook.SentAt);
        Assert.Equal("Offerte aanvraag", outlook.Subject);

        var thunderbird = ForwardedMail.Parse("""
            -------- Doorgestuurd bericht --------
            Onderwerp: 	Levering
            Datum: 	Mon, 30 Nov 2026 09:15:00 +0100
            Van: 	Sanne Bakker <sanne@klant.example>
            Aan: 	rep.nord@company.example

            Wanneer wordt er geleverd?
            """);
        Assert.NotNull(thunderbird);
        Assert.Equal("sanne@klant.example", thunderbird.From);
        Assert.Equal("Sanne Bakker", thunderbird.FromName);
        Assert.Equal(new DateTime(2026, 11, 30, 8, 15, 0), thunderbird.SentAt); // the offset is given: UTC
        Assert.Equal("Levering", thunderbird.Subject);
    }

    [Fact]
    public void An_apple_mail_forward_and_a_new_outlook_forward_with_an_underscore_rule_are_found_too()
    {
        var apple = ForwardedMail.Parse("""
            Begin forwarded message:

            From: Anna Berg <anna@kunde.example>
            Subject: Termin
            Date: 30 November 2026 at 09:15:00 CET
            To: rep@company.example

            Passt Dienstag?
            """);
        Assert.Equal("anna@kunde.example", apple?.From);
        Assert.Equal("Termin", apple?.Subject);

        // New Outlook writes a rule of underscores instead of a text separator.
        var outlook = ForwardedMail.Parse("""
            Siehe unten

            ________________________________
            Von: Anna Berg <anna@kunde.example>
            Gesendet: Montag, 30. November 2026 09:15
            An: rep@company.example
            Betreff: Termin

            Passt Dienstag?
            """);
        Assert.Equal("anna@kunde.example", outlook?.From);
        Assert.Equal(["rep@company.example"], outlook?.Recipients);
    }

    [Fact]
    public void A_reply_quoting_an_earlier_mail_without_a_forward_marker_is_not_a_forward()
    {
        Assert.Null(ForwardedMail.Parse("""
            Thanks, see you Tuesday.

            On Mon, Nov 30, 2026 at 9:15 AM Anna Berg <anna@kunde.example> wrote:
            > Does Tuesday suit you?
            """));
        // A separator without a sender address in its block is no forward either.
        Assert.Null(ForwardedMail.Parse("---------- Forwarded message ---------\nSubject: nothing else\n\ntext"));
    }

    [Fact]
    public void An_attached_message_is_the_original_of_a_forward()
    {
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Jan de Vries", "Jan@Klant.example"));
        original.To.Add(MailboxAddress.Parse("rep@company.example"));
        original.Subject = "Offerte";
        original.Body = new TextPart("plain") { Text = "Graag een offerte." };
        var outer = new MimeMessage();
        outer.From.Add(MailboxAddress.Parse("rep@company.example"));
        outer.To.Add(MailboxAddress.Parse("log+abc@crm.example"));
        outer.Subject = "FW: Offerte";
        var b = new BodyBuilder { TextBody = "Zie bijlage." };
        b.Attachments.Add(new MessagePart { Message = original });
        outer.Body = b.ToMessageBody();

        var mail = DropboxMail.Read(outer, Fetched, 10_000);
        Assert.Equal("jan@klant.example", mail.Forwarded?.From);
        Assert.Equal(["rep@company.example"], mail.Forwarded?.Recipients);
        Assert.Contains("Graag een offerte.", mail.Text);
    }

    [Fact]
    public void The_delivery_headers_carry_the_address_a_bcc_copy_was_delivered_to()
    {
        var m = MimeMessage.Load(new MemoryStream("""
            Received: from mx.crm.example by imap.crm.example with LMTP id abc for <log+k3y@crm.example>; Tue, 1 Dec 2026 08:00:00 +0000
            Delivered-To: log+first@crm.example
            X-Original-To: log+second@crm.example
            Envelope-To: log+third@crm.example
            From: rep@company.example
            To: anna@kunde.example
            Subject: Hi

            Hello
            """u8.ToArray()));
        Assert.Equal(["anna@kunde.example", "log+first@crm.example", "log+k3y@crm.example", "log+second@crm.example", "log+third@crm.example"],
            DropboxMail.DeliveredAddresses(m.Headers).Order().ToArray());
    }

    [Theory]
    [InlineData("mx.crm.example; dmarc=fail (p=reject) header.from=company.example", "dmarc=fail (company.example)")]
    [InlineData("mx.crm.example; spf=fail smtp.mailfrom=rep@company.example; dmarc=none", "spf=fail (company.example)")]
    [InlineData("mx.crm.example; spf=fail smtp.mailfrom=bounces@list.example; dmarc=pass header.from=company.example", null)]
    [InlineData("mx.crm.example; spf=pass smtp.mailfrom=rep@company.example; dkim=pass header.d=company.example; dmarc=pass header.from=company.example", null)]
    public void Authentication_results_that_fail_for_the_from_domain_count(string header, string? expected)
    {
        var h = new HeaderList { { "Authentication-Results", header } };
        Assert.Equal(expected, DropboxMail.AuthFailureOf(h, "rep@company.example"));
    }

    [Fact]
    public void A_body_longer_than_activity_notes_hold_is_cut_with_a_visible_marker()
    {
        var text = new string('a', 50_000);
        var cut = DropboxMail.Shorten(text, 100_000);
        Assert.True(cut.Length <= DropboxMail.NotesMax);
        Assert.EndsWith("more characters not shown]", cut);
        Assert.Equal("short", DropboxMail.Shorten("short", 10_000));
    }

    [Fact]
    public void Only_the_mailbox_itself_under_any_token_counts_as_the_dropbox()
    {
        Assert.True(DropboxSecret.IsDropbox("log+abc@crm.example", "log@crm.example"));
        Assert.True(DropboxSecret.IsDropbox("LOG@crm.example", "log@crm.example"));
        Assert.False(DropboxSecret.IsDropbox("logistics@crm.example", "log@crm.example"));
        Assert.False(DropboxSecret.IsDropbox("log+abc@other.example", "log@crm.example"));
        Assert.Equal("log+abc@crm.example", DropboxSecret.With("log@crm.example", "abc"));
    }
}
