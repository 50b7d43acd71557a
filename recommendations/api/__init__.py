"""The API's endpoints for challenges, good practices, recommendations and addressees."""
