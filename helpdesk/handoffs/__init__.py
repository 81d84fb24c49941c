"""Chats the bot hands to a person, as one room: how a handoff is made
(`escalation`), why (`reasons`), the desk agents work it from — queue, claim,
replies, notes, resolve (`desk`, `views`, `events`) — what an agent reads first
(`summary`), and the chats nobody could take becoming tickets (`to_ticket`).

The handoff rows themselves are written through `helpdesk.conversation_records`
(the bot's side) and `desk` (the agents' side).
"""
