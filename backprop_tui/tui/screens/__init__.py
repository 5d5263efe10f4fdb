"""One Screen per mode (stepping, help, errors) and the modal dialogs."""
