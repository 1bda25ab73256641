"""Chat export: a conversation as one block of text (starter: correct, slow)."""


class Transcript:
    """Collects the lines of an exported conversation."""

    def __init__(self):
        self.text = ""

    def add_line(self, line):
        self.text += line + "\n"


def export_chat(messages):
    transcript = Transcript()
    for author, text in messages:
        transcript.add_line(author + ": " + text)
    return transcript.text
