"""The API's endpoints for the GCM framework, reviews, source documents and consultations."""
