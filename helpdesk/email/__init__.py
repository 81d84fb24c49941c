"""Email both ways: an agent's answer reaches a customer who is not in the chat,
and the customer's emailed reply lands in the same ticket or chat.

- `models`: the threads (one per ticket or chat, each with its secret reply
  address), every message in and out with its delivery state, attachments.
- `addresses`: reply addresses and Message-IDs that carry a thread's secret.
- `compose`: the message an agent's reply becomes (plain text and HTML, the
  company's name, the ticket number in the subject, threading headers).
- `outbox`: what waits to be sent, retried with backoff, bounced or failed.
- `smtp_client`: handing a message to the SMTP server, with a timeout.
- `inbound`: reading a received message (quoted history and signatures off,
  HTML sanitised, attachments size-limited).
- `intake`: where a received message belongs (its thread's secret, or a new
  ticket for a new sender) and writing it there.
- `receiver`: the SMTP listener Kefu runs for inbound mail.
"""
