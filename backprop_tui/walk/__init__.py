"""Where the learner is: the stepper, the cursor, authoring and file watching. No Textual."""
