"""Extensions loaded by the Rasa server itself: the knowledge-base training-data
importer and Kefu's socket.io channel. They adapt `helpdesk` to Rasa's interfaces."""
